package main

import "github.com/go-gl/glfw/v3.3/glfw"

// noDepthBuffer asks GLFW for windows without a depth or stencil buffer
// (issue 12). Fyne's painter tests no depth (it disables GL_DEPTH_TEST)
// and clips with the scissor, never the stencil, but GLFW's default hints
// ask for 24 depth and 8 stencil bits: a buffer of 4 bytes a pixel beside
// the window's colour, 2.5 MB for the 1000x640 window and 8 MB in full
// screen on a 1920x1080 monitor, cleared at every redraw.
//
// GLFW's hints are global, set on the main thread between glfwInit and
// the creation of each window: Fyne initialises GLFW in App.NewWindow and
// creates the GLFW window in Show. Call this on the main goroutine
// between the two; the hints stay for every window made after (GLFW
// resets them only in glfwInit and glfwDefaultWindowHints, which Fyne
// does not call again).
func noDepthBuffer() {
	glfw.WindowHint(glfw.DepthBits, 0)
	glfw.WindowHint(glfw.StencilBits, 0)
}
