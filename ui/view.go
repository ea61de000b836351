package ui

import (
	"errors"
	"image/color"
	"net/url"
	"path"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/eddyplayer/eddy/player"
)

const (
	// seekInterval is the shortest time between two Seek commands.
	seekInterval = 250 * time.Millisecond
	// volumeInterval is the shortest time between two SetVolume commands.
	volumeInterval = 50 * time.Millisecond
	// seekHold is how long the seek bar keeps showing a requested seek
	// target while the player still reports the old position.
	seekHold = 2 * time.Second
	// seekTolerance is how close a reported position must be to the
	// requested target for the seek to count as done.
	seekTolerance = 1500 * time.Millisecond
	// volumeStep is the change of one Up/Down key press.
	volumeStep = 0.05
	// PrefVolume is the preferences key of the volume (0..1).
	PrefVolume = "volume"
	// appName is the window title when nothing is open.
	appName = "Eddy"
)

// fileExtensions are the files the Open File dialog offers.
var fileExtensions = []string{".asf", ".wma", ".wmv", ".asx", ".wax", ".wvx", ".wmx", ".nsc"}

// Config is what New needs.
type Config struct {
	// App provides the preferences (recent locations, volume).
	App fyne.App
	// Window is the window the view fills; its content, main menu and
	// keyboard handlers are set by New.
	Window fyne.Window
	// Controller is the player.
	Controller Controller
	// Logo is shown in the video area when nothing is open. Default: none.
	Logo fyne.Resource
	// DemoURL, when set, is offered as File ▸ Play Demo and is what Play
	// opens when nothing else is.
	DemoURL string
	// Video is the player's video output (player.Config.Video), whose
	// frames the view shows. Default: a new one, which no player feeds
	// (see VideoOutput).
	Video *VideoView
	// About is what Help ▸ About says of the program's parts.
	About AboutInfo
	// Quit, when set, is what File ▸ Quit does (in place of Fyne's own
	// item, which stops the driver at once).
	Quit func()
	// SnapshotDir is where View ▸ Snapshot saves pictures. Default: the
	// user's pictures folder.
	SnapshotDir string
	// Trace, when set, is the protocol trace the player's transports
	// write (transport.Config.Trace = Trace.Trace), shown by View ▸
	// Protocol Trace.
	Trace *TraceLog
}

// View is Eddy's main window content: location bar, video area, side
// panel (information, streams, statistics), transport controls and status
// bar; in full screen, the video area alone. Methods must be called on the
// Fyne goroutine.
type View struct {
	app  fyne.App
	win  fyne.Window
	ctl  Controller
	demo string
	quit func() // File ▸ Quit; nil: Fyne's own item

	recent *recentList
	seeks  *coalescer[time.Duration]
	vols   *coalescer[float64]
	out    *VideoView

	location  *widget.Entry
	openBtn   *widget.Button
	fileBtn   *widget.Button
	recentBtn *widget.Button

	playBtn    *widget.Button
	stopBtn    *widget.Button
	backBtn    *widget.Button
	fwdBtn     *widget.Button
	seek       *SeekBar
	seekRow    *fyne.Container
	elapsed    *widget.Label
	total      *widget.Label
	nowPlaying *widget.Label
	muteBtn    *widget.Button
	volume     *keySlider
	fullBtn    *widget.Button

	video   *videoArea
	info    *infoPanel
	streams *streamList
	stats   *statsPanel
	list    *playlistPanel
	status  *statusBar
	tabs    *container.AppTabs

	content    fyne.CanvasObject // the whole window's layout
	videoHost  *fyne.Container   // holds the video area outside full screen
	fullscreen bool
	padded     bool // the window's padding, restored when leaving full screen
	// windowed is the window's size before full screen, given back when
	// leaving it.
	windowed fyne.Size

	// The side panel: split holds the video and the tabs; centerHost
	// shows the split, or the video alone when the panel is hidden.
	split      *container.Split
	centerHost *fyne.Container
	panelShown bool
	panelItem  *fyne.MenuItem // View ▸ Side Panel, checked when shown

	// Full screen: fsRoot is the window's content (the video area with
	// the controls bar over its bottom, shown while the pointer moves);
	// controls (seek row and buttons) move between controlsHost and
	// fsBar.
	controls     *fyne.Container
	controlsHost *fyne.Container
	fsRoot       *fyne.Container
	fsBar        *fyne.Container
	fsSlot       *fyne.Container // in fsBar: holds controls in full screen
	fsBand       *canvas.Rectangle
	fsOverlay    *fyne.Container // in fsRoot, over the video: places fsBar
	fsVideo      *fyne.Container // in fsRoot: holds the video area in full screen
	fsHide       *idleTimer
	pointerOnBar bool

	// osd shows short messages over the video (volume, seek); tip is the
	// time under the pointer over the seek bar.
	osd     *osd
	tip     *seekTip
	volText *widget.Label // the volume in percent, by the slider

	keys       []*binding    // the keyboard table (keys.go)
	openDialog dialog.Dialog // Open File or URL, while shown
	openEntry  *widget.Entry
	helpMenu   *fyne.Menu
	about      AboutInfo
	order      listOrder  // the playlists' repeat mode and shuffle (listmode.go)
	onTop      onTopState // View ▸ Always on Top (ontop.go)
	fit        windowFit  // View ▸ Fit Window to Video (fitwindow.go)

	// pendingRecent is the location opened last, added to the recent
	// list once it plays (a location that fails is not remembered).
	pendingRecent string
	pendingOpened bool // the player has taken up the Open (state Opening seen)

	mainMenu    *fyne.MainMenu
	recentMenu  *fyne.Menu
	streamsMenu *fyne.Menu
	// The Playback menu and its items that depend on the presentation.
	playbackMenu *fyne.Menu
	rateItems    []*fyne.MenuItem
	// recordItem is File ▸ Save Stream As… (Stop Recording while one
	// runs); recording is the player's recording shown last.
	recordItem *fyne.MenuItem
	recording  *player.Recording
	// snapshotDir is Config.SnapshotDir; trace is Config.Trace;
	// lastSnapshot is the file the last snapshot went to.
	snapshotDir  string
	lastSnapshot string
	// prefsDialog is File ▸ Preferences while shown.
	prefsDialog dialog.Dialog
	trace       *TraceLog
	// aspectIndex is the aspectChoices entry in use; aspectMenu and
	// zoomMenu are View ▸ Aspect Ratio and Zoom.
	aspectIndex          int
	aspectMenu, zoomMenu *fyne.Menu
	entryItems           []*fyne.MenuItem
	errDialog            dialog.Dialog
	infoDialog           dialog.Dialog     // Keyboard Shortcuts or About, while shown
	errDetails           *widget.Accordion // the error dialog's Details, closed at first
	login                *loginPrompt
	loginUsers           map[string]string // user names typed per host, this session only

	// Applied player state.
	st      player.Status
	media   *player.Media // a copy of the last applied media description
	loc     string        // the location last opened
	lastErr error
	// warning is the player's last warning while the status bar shows
	// it, and warnAbout the URL of the presentation it goes with ("":
	// the next one shown); see ageWarning.
	warning, warnAbout string
	unmuted            float64 // volume to restore on unmute
	seekTo             time.Duration
	seekTill           time.Time // zero when no seek is being waited for
	// speedAsked is the speed last asked for (0: none) and speedBase
	// the player's reported speed then (see currentSpeed).
	speedAsked, speedBase float64

	// Video: videoHold drops frames from when the user opens something
	// until the player reports opening it; framesShown counts the frames
	// drawn.
	videoHold   bool
	framesShown int

	// The event pump (bind.go). do runs a function on the Fyne goroutine:
	// fyne.Do, or a queue in tests.
	do       func(func())
	later    func(func()) // for the idle timers, when not do (tests)
	pump     sync.Mutex
	latest   player.Status
	flushing bool
	// While video frames flow (frameFlow), a status update owed
	// (flushing) is not queued on its own: the next frame's update
	// applies it, so the two cost one redraw of the window, not two
	// (issue 12: Fyne redraws the whole window for any change, and the
	// position's ten updates a second would add to the 25 or 30 frames').
	// after arms the fallback for when no frame comes within frameWait
	// (time.AfterFunc; tests replace it); flushQueued: a status update is
	// in the Fyne queue.
	frameFlow   bool
	flushQueued bool
	after       func(time.Duration, func())
	closed      bool
	cancel      func()
}

// New builds the view into cfg.Window and subscribes to the controller.
// Call Close when the window goes away.
func New(cfg Config) *View {
	v := &View{
		app:         cfg.App,
		win:         cfg.Window,
		ctl:         cfg.Controller,
		demo:        cfg.DemoURL,
		snapshotDir: cfg.SnapshotDir,
		trace:       cfg.Trace,
		about:       cfg.About,
		quit:        cfg.Quit,
	}
	var prefs fyne.Preferences
	v.fit.on = true
	if v.app != nil {
		prefs = v.app.Preferences()
		v.fit.on = prefs.BoolWithFallback(PrefFitWindow, true)
		if _, ok := v.app.Settings().Theme().(menuTheme); !ok {
			v.app.Settings().SetTheme(menuTheme{v.app.Settings().Theme()})
		}
	}
	v.recent = newRecentList(prefs)
	v.seeks = newCoalescer(seekInterval, v.ctl.Seek)
	v.vols = newCoalescer(volumeInterval, v.ctl.SetVolume)

	v.out = cfg.Video
	if v.out == nil {
		v.out = NewVideoView()
	}

	v.video = newVideoArea(cfg.Logo)
	v.video.setAppDark(v.app != nil && v.app.Settings().ThemeVariant() == theme.VariantDark)
	if v.app != nil {
		v.app.Settings().AddListener(func(s fyne.Settings) {
			dark := s.ThemeVariant() == theme.VariantDark
			fyne.Do(func() { v.video.setAppDark(dark) })
		})
	}
	v.video.surface.OnDoubleTap = v.ToggleFullScreen
	v.video.replayBtn.OnTapped = v.TogglePlay
	v.info = newInfoPanel()
	v.streams = newStreamList()
	v.streams.OnSelect = v.ctl.SelectStreams
	v.streams.OnChange = v.refreshStreamsMenu
	v.stats = newStatsPanel()
	v.list = newPlaylistPanel()
	v.list.OnJump = v.ctl.JumpTo
	v.list.OnSkip = v.ctl.SkipEntry
	v.list.OnRepeat = v.CycleRepeat
	v.list.OnShuffle = v.SetShuffle
	v.status = newStatusBar()
	if v.do == nil {
		v.do = fyne.Do
	}
	v.osd = newOSD(v.video, v.doLater)
	v.fsHide = newIdleTimer(controlsHideDelay, v.doLater, v.hideIdleControls)

	v.onTop.set = platformAbove(v.win)
	v.keys = v.bindings()
	v.content = v.layout()
	v.win.SetContent(v.content)
	v.mainMenu = v.buildMenu()
	v.win.SetMainMenu(v.mainMenu)
	v.installKeys()
	v.win.SetOnDropped(func(_ fyne.Position, uris []fyne.URI) { v.Drop(uris) })

	vol := 1.0
	if prefs != nil {
		vol = clamp01(prefs.FloatWithFallback(PrefVolume, 1))
	}
	v.unmuted = vol
	if vol == 0 {
		v.unmuted = 1
	}
	v.volume.Value = vol
	v.volume.Refresh()
	v.updateMuteIcon()
	v.volText.SetText(volumeText(vol))
	v.ctl.SetVolume(vol)
	v.restoreListOrder(prefs)
	if s := v.settings(); s != (player.Settings{}) {
		v.ctl.Configure(s) // the preferences saved last time
	}

	v.bind()
	v.out.attach(v)
	return v
}

// VideoOutput is the video output whose frames the view shows: Config's
// Video, or the one New made.
func (v *View) VideoOutput() *VideoView { return v.out }

func (v *View) layout() fyne.CanvasObject {
	// Location bar.
	v.location = widget.NewEntry()
	v.location.SetPlaceHolder("File path or stream URL (http://…, mms://…)")
	v.location.OnSubmitted = func(s string) { v.Open(s) }
	v.openBtn = widget.NewButtonWithIcon("Open", theme.MediaPlayIcon(), func() { v.Open(v.location.Text) })
	v.fileBtn = widget.NewButtonWithIcon("Open File…", theme.FolderOpenIcon(), v.ShowOpenFile)
	v.recentBtn = widget.NewButtonWithIcon("", theme.HistoryIcon(), v.showRecentPopup)
	top := container.NewBorder(nil, nil, v.fileBtn, container.NewHBox(v.openBtn, v.recentBtn), v.location)

	// Side panel: the video takes most of the width; the divider can be
	// dragged, and the panel hidden (View ▸ Side Panel, Ctrl+I).
	v.tabs = container.NewAppTabs(
		container.NewTabItemWithIcon("Info", theme.InfoIcon(), container.NewVScroll(v.info.root)),
		container.NewTabItemWithIcon("Streams", theme.ListIcon(), v.streams.root),
		container.NewTabItemWithIcon("Stats", theme.ComputerIcon(), container.NewVScroll(v.stats.root)),
		container.NewTabItemWithIcon("Playlist", theme.ListIcon(), v.list.root),
	)
	v.tabs.OnSelected = func(*container.TabItem) { v.updateStatsShown() }
	v.videoHost = container.NewStack(v.video.root)
	v.split = container.NewHSplit(v.videoHost, v.tabs)
	v.split.Offset = splitOffset
	v.centerHost = container.NewStack(v.split)
	v.panelShown = true

	// Seek row, with the time under the pointer shown over the bar.
	v.seek = NewSeekBar()
	v.seek.OnSeek = v.requestSeek
	v.seek.OnPreview = func(d time.Duration) { v.elapsed.SetText(formatClock(d)) }
	// The times and the volume are in the regular face, whose digits all
	// have one width (TestTimesKeepTheirWidth), so they do not jitter.
	// The window's text uses two faces, regular and bold: Fyne parses
	// each style's font and the system's for the language once, 2–3 MB
	// of heap per style for the life of the window (issue 12).
	v.elapsed = &widget.Label{Text: "0:00"}
	v.total = &widget.Label{Text: "--:--"}
	v.seekRow = container.NewBorder(nil, nil, v.elapsed, v.total, v.seek)

	// Controls row.
	v.playBtn = widget.NewButtonWithIcon("", theme.MediaPlayIcon(), v.TogglePlay)
	v.playBtn.Importance = widget.HighImportance
	v.stopBtn = widget.NewButtonWithIcon("", theme.MediaStopIcon(), v.ctl.Stop)
	v.backBtn = widget.NewButtonWithIcon("", theme.MediaFastRewindIcon(), func() { v.SeekBy(-keySeekStep) })
	v.fwdBtn = widget.NewButtonWithIcon("", theme.MediaFastForwardIcon(), func() { v.SeekBy(keySeekStep) })
	v.stopBtn.Disable()
	v.backBtn.Disable()
	v.fwdBtn.Disable()
	v.nowPlaying = &widget.Label{Truncation: fyne.TextTruncateEllipsis, TextStyle: fyne.TextStyle{Bold: true}}
	v.muteBtn = widget.NewButtonWithIcon("", theme.VolumeUpIcon(), v.ToggleMute)
	v.muteBtn.Importance = widget.LowImportance
	v.volume = newKeySlider(0, 1)
	v.volume.Step = 0.01
	v.volume.OnChanged = v.volumeChanged
	volBox := container.New(layout.NewGridWrapLayout(fyne.NewSize(130, v.volume.MinSize().Height)), v.volume)
	// The volume in percent; sized for "100%" so it does not jitter.
	v.volText = &widget.Label{Text: "100%"}
	volTextBox := container.New(layout.NewGridWrapLayout(v.volText.MinSize()), v.volText)
	v.fullBtn = widget.NewButtonWithIcon("", theme.ViewFullScreenIcon(), v.ToggleFullScreen)
	v.fullBtn.Importance = widget.LowImportance
	buttons := container.NewBorder(nil, nil,
		container.NewHBox(v.playBtn, v.stopBtn, v.backBtn, v.fwdBtn),
		container.NewHBox(v.muteBtn, volBox, volTextBox, v.fullBtn),
		container.New(layout.NewCustomPaddedLayout(0, 0, 8, 8), v.nowPlaying))
	v.controls = container.NewVBox(v.seekRow, buttons)
	v.controlsHost = container.NewStack(v.controls)

	// Full screen: the video area, and the controls over its bottom on a
	// band of the window's background colour while the pointer moves
	// (hidden after controlsHideDelay of stillness). The controls keep
	// the window's theme: a theme override would stay cached on them
	// when they move back into the window.
	v.fsBand = canvas.NewRectangle(color.Transparent)
	v.fsSlot = container.NewStack()
	v.fsBar = container.NewStack(v.fsBand, container.New(layout.NewCustomPaddedLayout(6, 6, 12, 12), v.fsSlot))
	v.fsBar.Hide()
	v.fsVideo = container.NewStack()
	v.fsOverlay = container.NewBorder(nil, v.fsBar, nil, nil)
	v.fsRoot = container.NewStack(v.fsVideo, v.fsOverlay)
	v.video.surface.OnPointer = v.pointerMoved

	bottom := container.NewVBox(v.controlsHost, widget.NewSeparator(), v.status.root)
	main := container.NewBorder(
		container.NewVBox(top, widget.NewSeparator()), bottom, nil, nil, v.centerHost)
	v.tip = newSeekTip(v.seek)
	return container.New(newSizeWatch(v.contentSized), main, v.tip.layer)
}

// contentSized is told each time the window's content is laid out (Fyne
// goroutine).
func (v *View) contentSized(fyne.Size) {
	if !v.fullscreen {
		v.fit.sized(v.win.Canvas().Size(), v.leastWindowSize)
	}
}

func (v *View) buildMenu() *fyne.MainMenu {
	v.recentMenu = fyne.NewMenu("Recent")
	v.refreshRecent()
	openFile := v.menuItem("Open File…", "openfile")
	openFile.Icon = theme.FolderOpenIcon()
	openURL := v.menuItem("Open File or URL…", "openurl")
	openLoc := v.menuItem("Location Bar", "location")
	recent := fyne.NewMenuItem("Recent", nil)
	recent.Icon = theme.HistoryIcon()
	recent.ChildMenu = v.recentMenu
	v.recordItem = fyne.NewMenuItem("Save Stream As…", v.ShowSaveStream)
	prefs := fyne.NewMenuItem("Preferences…", v.ShowPreferences)
	prefs.Icon = theme.SettingsIcon()
	file := fyne.NewMenu("File", openFile, openURL, openLoc, recent, fyne.NewMenuItemSeparator(), v.recordItem,
		fyne.NewMenuItemSeparator(), prefs)
	if v.demo != "" {
		file.Items = append(file.Items, fyne.NewMenuItemSeparator(),
			fyne.NewMenuItem("Play Demo", func() { v.OpenTransient(v.demo) }))
	}
	if v.quit != nil {
		// The last item: Fyne adds its own Quit only when there is none.
		q := fyne.NewMenuItem("Quit", v.quit)
		q.IsQuit = true
		file.Items = append(file.Items, fyne.NewMenuItemSeparator(), q)
	}

	// Each item shows its key from the keyboard table: Space for Play /
	// Pause, the arrows, Ctrl+… for the chords.
	playPause := v.menuItem("Play / Pause", "play")
	stop := v.menuItem("Stop", "stop")
	back := v.menuItem("Back 10 s", "back")
	fwd := v.menuItem("Forward 10 s", "forward")
	up := v.menuItem("Volume Up", "volup")
	down := v.menuItem("Volume Down", "voldown")
	mute := v.menuItem("Mute", "mute")
	v.rateItems = []*fyne.MenuItem{
		fyne.NewMenuItem("Fast Forward (5×)", func() { v.ctl.SetRate(fastRate) }),
		fyne.NewMenuItem("Fast Rewind (5×)", func() { v.ctl.SetRate(-fastRate) }),
		fyne.NewMenuItem("Normal Speed", func() { v.ctl.SetRate(1) }),
	}
	// Normal Speed is checked at normal speed, so the menu reserves its
	// check column from the start: Fyne sizes a menu once, and an item
	// checked later would push its label into the shortcuts.
	v.rateItems[2].Checked = true
	next := v.menuItem("Next Playlist Entry", "next")
	prev := v.menuItem("Previous Playlist Entry", "prev")
	v.entryItems = []*fyne.MenuItem{next, prev}
	v.order.repeatItem = v.menuItem(repeatLabel(v.order.repeat), "repeat")
	v.order.shuffleItem = v.menuItem("Shuffle", "shuffle")
	v.order.shuffleItem.Checked = v.order.shuffle
	items := []*fyne.MenuItem{playPause, stop, fyne.NewMenuItemSeparator(), back, fwd, fyne.NewMenuItemSeparator()}
	items = append(items, v.rateItems...)
	items = append(items, fyne.NewMenuItemSeparator(),
		v.menuItem("Faster", "faster"), v.menuItem("Slower", "slower"), v.menuItem("Speed 1×", "speed1"),
		v.menuItem("Next Frame", "step"), fyne.NewMenuItemSeparator())
	items = append(items, v.entryItems...)
	items = append(items, v.order.repeatItem, v.order.shuffleItem)
	items = append(items, fyne.NewMenuItemSeparator(), up, down, mute)
	v.playbackMenu = fyne.NewMenu("Playback", items...)
	v.refreshPlaybackMenu()
	playback := v.playbackMenu

	v.streamsMenu = fyne.NewMenu("Streams")
	v.refreshStreamsMenu()

	full := v.menuItem("Full Screen", "fullscreen")
	full.Icon = theme.ViewFullScreenIcon()
	v.panelItem = v.menuItem("Side Panel", "panel")
	v.panelItem.Checked = v.panelShown
	aspectItem, zoomItem := v.pictureMenus()
	v.fit.item = fyne.NewMenuItem("Fit Window to Video", v.ToggleFitWindow)
	v.fit.item.Checked = v.fit.on
	v.onTop.item = v.menuItem("Always on Top", "ontop")
	v.onTop.item.Disabled = v.onTop.set == nil
	view := fyne.NewMenu("View", full, v.panelItem, v.fit.item, v.onTop.item, aspectItem, zoomItem, v.menuItem("Snapshot", "snapshot"),
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem("Show Information", func() { v.showTab(0) }),
		fyne.NewMenuItem("Show Streams", func() { v.showTab(1) }),
		fyne.NewMenuItem("Show Statistics", func() { v.showTab(statsTab) }),
		fyne.NewMenuItem("Show Playlist", func() { v.showTab(3) }),
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem("Protocol Trace…", v.ShowTrace))

	shortcuts := v.menuItem("Keyboard Shortcuts", "help")
	about := fyne.NewMenuItem("About Eddy", v.ShowAbout)
	v.helpMenu = fyne.NewMenu("Help", shortcuts, about)
	return fyne.NewMainMenu(file, playback, v.streamsMenu, view, v.helpMenu)
}

// fastRate is the rate of Fast Forward and Fast Rewind (MS-WMSP allows up
// to 5).
const fastRate = 5

// refreshPlaybackMenu enables fast forward/rewind and playlist skipping
// when the presentation offers them, and checks the current speed.
func (v *View) refreshPlaybackMenu() {
	if v.playbackMenu == nil {
		return
	}
	m := v.st.Media
	canRate := m != nil && m.CanRate
	canSkip := m != nil && m.CanSkip
	canSkipBack := m != nil && m.CanSkipBack
	if pl := v.st.Playlist; pl != nil {
		// The client-side playlist's entries (CLIENTSKIP decides forward).
		cur := pl.Current >= 0 && pl.Current < len(pl.Entries)
		canSkip = cur && pl.CanNext
		canSkipBack = cur && pl.CanPrev
	}
	rate := v.st.Rate
	if rate == 0 {
		rate = 1
	}
	changed := false
	set := func(it *fyne.MenuItem, disabled, checked bool) {
		if it.Disabled != disabled || it.Checked != checked {
			it.Disabled, it.Checked = disabled, checked
			changed = true
		}
	}
	set(v.rateItems[0], !canRate, rate > 1)
	set(v.rateItems[1], !canRate, rate < 0)
	set(v.rateItems[2], !canRate && rate == 1, rate == 1)
	set(v.entryItems[0], !canSkip, false)
	set(v.entryItems[1], !canSkipBack, false)
	if changed {
		v.playbackMenu.Refresh()
	}
}

// refreshStreamsMenu lists the presentation's streams in the Streams menu
// (with codec, bit rate and language, checked when playing; choosing one
// plays it, like its check box in the Streams tab), then Automatic
// Selection.
func (v *View) refreshStreamsMenu() {
	if v.streamsMenu == nil {
		return
	}
	items := v.streams.menuItems()
	if len(items) == 0 {
		none := fyne.NewMenuItem("No streams", nil)
		none.Disabled = true
		items = append(items, none)
	}
	auto := fyne.NewMenuItem("Automatic Selection", v.streams.automatic)
	auto.Checked = !v.streams.manual && len(v.streams.tracks) > 0
	items = append(items, fyne.NewMenuItemSeparator(), auto,
		fyne.NewMenuItem("Show Streams", func() { v.showTab(1) }))
	v.streamsMenu.Items = items
	v.streamsMenu.Refresh() // rebuilds the menu bar of the window showing it
}

// FullScreen reports whether the window shows the video in full screen.
func (v *View) FullScreen() bool { return v.fullscreen }

// ToggleFullScreen enters or leaves full screen.
func (v *View) ToggleFullScreen() { v.SetFullScreen(!v.fullscreen) }

// SetFullScreen makes the window full screen with the video area as its
// only content (no menu bar, status bar or side panel; the keys keep
// working: Space, arrows, F, Escape), the controls appearing over the
// bottom of the picture while the pointer moves; or restores the window
// as it was (content, menu, padding, side panel, split).
func (v *View) SetFullScreen(on bool) {
	if on == v.fullscreen {
		return
	}
	v.fullscreen = on
	if on {
		v.win.Canvas().Unfocus()
		v.tip.hide()
		v.padded = v.win.Padded()
		v.windowed = v.win.Canvas().Size()
		v.videoHost.Objects = nil
		v.videoHost.Refresh()
		v.controlsHost.Objects = nil
		v.controlsHost.Refresh()
		v.fsVideo.Objects = []fyne.CanvasObject{v.video.root}
		v.fsSlot.Objects = []fyne.CanvasObject{v.controls}
		r, g, b, _ := theme.Color(theme.ColorNameBackground).RGBA()
		v.fsBand.FillColor = color.NRGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), 0xe0}
		v.fsBar.Hide()
		v.win.SetMainMenu(nil)
		v.win.SetPadded(false)
		v.win.SetContent(v.fsRoot)
		v.fullBtn.SetIcon(theme.ViewRestoreIcon())
		v.win.SetFullScreen(true)
	} else {
		// Out of full screen, and the size from before it, first; the
		// window's content after. Fyne 2.7's GLFW driver gives the
		// window back at the screen's size, and, given content while
		// full screen, at the screen's top left. Given content after
		// the resize, the side panel is laid out once at its own width
		// (laid out at the screen's width and narrowed at once, its
		// wrapped text kept the rows' old heights and overlapped).
		v.win.SetFullScreen(false)
		if !v.windowed.IsZero() {
			v.win.Resize(v.windowed)
		}
		v.fsHide.stop()
		v.pointerOnBar = false
		v.fsBar.Hide()
		v.video.liftEnded(0)
		v.fsVideo.Objects = nil
		v.fsSlot.Objects = nil
		v.win.SetContent(v.content)
		v.videoHost.Objects = []fyne.CanvasObject{v.video.root}
		v.videoHost.Refresh()
		v.controlsHost.Objects = []fyne.CanvasObject{v.controls}
		v.controlsHost.Refresh()
		v.win.SetPadded(v.padded)
		v.win.SetMainMenu(v.mainMenu)
		v.fullBtn.SetIcon(theme.ViewFullScreenIcon())
	}
	v.updateStatsShown()
}

// statsTab is the index of the Statistics tab.
const statsTab = 2

// updateStatsShown tells the statistics panel whether it is on screen:
// its tab selected in the side panel, which shows, outside full screen.
func (v *View) updateStatsShown() {
	v.stats.setShown(!v.fullscreen && v.panelShown && v.tabs.SelectedIndex() == statsTab)
}

// FullScreenControlsShown reports whether the controls show over the
// picture in full screen.
func (v *View) FullScreenControlsShown() bool { return v.fullscreen && v.fsBar.Visible() }

// pointerMoved is called for every pointer move over the video area (and
// when the pointer leaves it, with out set): in full screen it shows the
// controls and (re)starts the idle time after which they hide.
func (v *View) pointerMoved(pos fyne.Position, out bool) {
	if !v.fullscreen {
		return
	}
	if out {
		// Left the picture: onto the controls (over its bottom), or off
		// the window. Over the controls they stay until the pointer
		// comes back onto the picture.
		h := v.video.surface.Size().Height
		v.pointerOnBar = v.fsBar.Visible() && pos.Y >= h-v.fsBar.Size().Height-controlsEdge
		return
	}
	v.pointerOnBar = false
	if !v.fsBar.Visible() {
		v.fsBar.Show()
		v.fsOverlay.Refresh() // places the bar (hidden, it was not laid out)
		v.video.liftEnded(v.fsBar.Size().Height)
	}
	v.fsHide.poke()
}

// hideIdleControls hides the full-screen controls when the pointer has
// been still for controlsHideDelay (idleTimer calls it); not while the
// pointer is on them.
func (v *View) hideIdleControls() {
	if !v.fullscreen || !v.fsBar.Visible() {
		return
	}
	if v.pointerOnBar {
		v.fsHide.poke()
		return
	}
	v.fsBar.Hide()
	v.video.liftEnded(0)
}

// SidePanelShown reports whether the side panel (information, streams,
// statistics, playlist) is shown.
func (v *View) SidePanelShown() bool { return v.panelShown }

// ToggleSidePanel hides or shows the side panel.
func (v *View) ToggleSidePanel() { v.SetSidePanel(!v.panelShown) }

// SetSidePanel shows or hides the side panel; the video takes the whole
// width while it is hidden. The choice and the split's position last for
// the session (full screen and new presentations keep them).
func (v *View) SetSidePanel(on bool) {
	if on == v.panelShown {
		return
	}
	v.panelShown = on
	if on {
		v.split.Leading = v.videoHost
		v.centerHost.Objects = []fyne.CanvasObject{v.split}
		v.split.Refresh()
	} else {
		v.split.Leading = canvas.NewRectangle(color.Transparent)
		v.centerHost.Objects = []fyne.CanvasObject{v.videoHost}
	}
	v.centerHost.Refresh()
	v.updateStatsShown()
	if v.panelItem != nil {
		v.panelItem.Checked = on
		v.refreshMenu("View")
	}
}

// refreshMenu shows the main menu's menu label as its items now are.
func (v *View) refreshMenu(label string) {
	if v.mainMenu == nil {
		return
	}
	for _, m := range v.mainMenu.Items {
		if m.Label == label {
			m.Refresh()
		}
	}
}

// showTab shows the side panel (if hidden) at tab i.
func (v *View) showTab(i int) {
	v.SetSidePanel(true)
	v.tabs.SelectIndex(i)
}

// Open opens a location (URL or path), plays it, and remembers it in the
// recent list.
func (v *View) Open(location string) { v.open(location, true) }

// OpenTransient opens a location without adding it to the recent list
// (the built-in demo).
func (v *View) OpenTransient(location string) { v.open(location, false) }

func (v *View) open(location string, remember bool) {
	location = strings.TrimSpace(location)
	if location == "" {
		return
	}
	// Remembered once it plays (applyStatus): a location that fails does
	// not go into the recent list.
	v.pendingRecent = ""
	v.pendingOpened = false
	if remember {
		v.pendingRecent = location
	}
	if location != v.demo {
		v.location.SetText(location)
	} else {
		v.location.SetText("")
	}
	v.loc = location
	v.lastErr = nil
	v.status.SetError("")
	v.status.SetWarning("")
	v.warning, v.warnAbout = "", ""
	v.seekTill = time.Time{}
	v.videoHold = true
	v.clearVideo()
	v.video.showOpening(displayName(location))
	v.win.Canvas().Unfocus()
	v.ctl.Open(location)
}

// SetNotice shows a standing message in the status bar, e.g. that there
// is no sound device; "" removes it.
func (v *View) SetNotice(text string) { v.status.SetNotice(text) }

// TogglePlay pauses when playing; otherwise it resumes, restarts after a
// stop or the end, retries after a failure, or opens the location typed
// in the bar (or the demo) when nothing is open.
func (v *View) TogglePlay() {
	switch s := v.st.State; {
	case active(s):
		v.ctl.Pause()
	case s == player.Paused || s == player.Stopped || s == player.Ended:
		v.ctl.Play()
	case s == player.Failed && v.loc != "":
		v.open(v.loc, false)
	default:
		if t := strings.TrimSpace(v.location.Text); t != "" {
			v.Open(t)
		} else if v.demo != "" {
			v.OpenTransient(v.demo)
		} else {
			v.focusLocation()
		}
	}
}

// SeekBy moves the play position by d (rate-limited; repeated presses
// accumulate from the last requested target).
func (v *View) SeekBy(d time.Duration) {
	if v.seek.Disabled() {
		return
	}
	base := v.st.Position
	if !v.seekTill.IsZero() {
		base = v.seekTo
	}
	v.requestSeek(base + d)
}

// requestSeek sends a seek (through the coalescer) and holds the seek bar
// at the target until the player reports a position near it.
func (v *View) requestSeek(d time.Duration) {
	if d < 0 {
		d = 0
	}
	if max := v.duration(); max > 0 && d > max {
		d = max
	}
	v.seekTo = d
	v.seekTill = time.Now().Add(seekHold)
	v.seek.SetTime(d)
	v.elapsed.SetText(formatClock(d))
	v.osd.show(formatClock(d) + " / " + formatClock(v.duration()))
	v.seeks.Set(d)
}

// SetVolume sets the volume slider (0..1) and the player's volume.
func (v *View) SetVolume(f float64) {
	f = clamp01(f)
	if f == v.volume.Value {
		// Already there (↑ at 100%): the slider calls nobody, but the
		// user wants to see where the volume is.
		v.osd.show("Volume " + volumeText(f))
		return
	}
	v.volume.SetValue(f) // calls volumeChanged
}

func (v *View) volumeChanged(f float64) {
	f = clamp01(f)
	if f > 0 {
		v.unmuted = f
	}
	v.updateMuteIcon()
	text := volumeText(f)
	if v.volText.Text != text {
		v.volText.SetText(text)
	}
	v.osd.show("Volume " + text)
	if v.app != nil {
		v.app.Preferences().SetFloat(PrefVolume, f)
	}
	v.vols.Set(f)
}

// ToggleMute sets the volume to 0, or back to what it was.
func (v *View) ToggleMute() {
	if v.volume.Value > 0 {
		v.SetVolume(0)
	} else {
		v.SetVolume(v.unmuted)
	}
}

func (v *View) updateMuteIcon() {
	switch f := v.volume.Value; {
	case f == 0:
		v.muteBtn.SetIcon(theme.VolumeMuteIcon())
	case f < 0.5:
		v.muteBtn.SetIcon(theme.VolumeDownIcon())
	default:
		v.muteBtn.SetIcon(theme.VolumeUpIcon())
	}
}

func (v *View) focusLocation() {
	v.win.Canvas().Focus(v.location)
}

// ShowOpenFile shows the Open File dialog; the chosen file is opened.
func (v *View) ShowOpenFile() {
	d := dialog.NewFileOpen(v.fileChosen, v.win)
	d.SetFilter(storage.NewExtensionFileFilter(fileExtensions))
	if size := v.win.Canvas().Size(); size.Width > 200 {
		d.Resize(fyne.NewSize(size.Width*0.85, size.Height*0.85))
	}
	d.Show()
}

func (v *View) fileChosen(rc fyne.URIReadCloser, err error) {
	if err != nil {
		v.showError("Cannot open the file", "", err)
		return
	}
	if rc == nil { // cancelled
		return
	}
	loc := uriLocation(rc.URI())
	rc.Close()
	v.Open(loc)
}

// uriLocation turns a Fyne URI into a location: a plain path for local
// files, the URI text otherwise.
func uriLocation(u fyne.URI) string {
	if u.Scheme() == "file" {
		p := u.Path()
		// A URL dropped from a browser: GLFW passes every dropped line
		// as a path and Fyne makes it a file URI under the working
		// directory, squeezing "//" (…/http:/host/x.asf).
		for _, scheme := range droppedSchemes {
			if i := strings.Index(p, "/"+scheme+":/"); i >= 0 {
				return scheme + "://" + p[i+len(scheme)+3:]
			}
		}
		return p
	}
	return u.String()
}

// droppedSchemes are the URL schemes uriLocation recovers from a dropped
// line Fyne took for a path.
var droppedSchemes = []string{"https", "http", "mmsh", "mms", "rtspu", "rtspt", "rtsp"}

func (v *View) refreshRecent() {
	if v.recentMenu == nil {
		return
	}
	var items []*fyne.MenuItem
	for _, loc := range v.recent.Items() {
		loc := loc
		items = append(items, fyne.NewMenuItem(loc, func() { v.Open(loc) }))
	}
	if len(items) == 0 {
		none := fyne.NewMenuItem("No recent locations", nil)
		none.Disabled = true
		items = append(items, none)
	} else {
		items = append(items, fyne.NewMenuItemSeparator(), fyne.NewMenuItem("Clear Recent", func() {
			v.recent.Clear()
			v.refreshRecent()
		}))
	}
	v.recentMenu.Items = items
	v.recentMenu.Refresh()
	if v.recentBtn != nil {
		if len(v.recent.Items()) == 0 {
			v.recentBtn.Disable()
		} else {
			v.recentBtn.Enable()
		}
	}
}

// RecentMenu is the menu of recent locations (also File ▸ Recent).
func (v *View) RecentMenu() *fyne.Menu { return v.recentMenu }

// Recent returns the remembered locations, newest first.
func (v *View) Recent() []string { return append([]string(nil), v.recent.Items()...) }

func (v *View) showRecentPopup() {
	c := v.win.Canvas()
	drv := fyne.CurrentApp().Driver()
	if v.app != nil {
		drv = v.app.Driver()
	}
	pos := drv.AbsolutePositionForObject(v.recentBtn)
	pos = pos.Add(fyne.NewPos(0, v.recentBtn.Size().Height))
	widget.ShowPopUpMenuAtPosition(v.recentMenu, c, pos)
}

// showError shows a modal error dialog with the full error text, replacing
// any error dialog already shown.
func (v *View) showError(title, location string, err error) {
	if err == nil {
		err = errors.New("unknown error")
	}
	v.hideDialogs()
	head := &widget.Label{Text: "Eddy could not continue.", TextStyle: fyne.TextStyle{Bold: true}}
	switch {
	case location != "" && location == v.demo:
		head.Text = "Eddy could not play its built-in demo."
	case location != "":
		head.Text = "Eddy could not play " + location
		head.Wrapping = fyne.TextWrapBreak
	}
	// In a user's words first, with what to try; the client's own text
	// (addresses, dial errors) one click away, and copyable.
	summary, hint := explain(err)
	root := rootCause(err)
	if summary == "" {
		summary = root.Error()
	}
	body := container.NewVBox(&widget.Label{Text: summary, Wrapping: fyne.TextWrapWord})
	if hint != "" {
		body.Add(&widget.Label{Text: hint, Wrapping: fyne.TextWrapWord, TextStyle: fyne.TextStyle{Italic: true}})
	}
	detail := err.Error()
	details := container.NewVBox(&widget.Label{Text: detail, Wrapping: fyne.TextWrapWord, Selectable: true})
	if root != err && root.Error() != "" && root.Error() != err.Error() {
		details.Add(&widget.Label{Text: "Cause: " + root.Error(), Wrapping: fyne.TextWrapWord, TextStyle: fyne.TextStyle{Bold: true}})
		detail += "\nCause: " + root.Error()
	}
	details.Add(widget.NewButtonWithIcon("Copy Details", theme.ContentCopyIcon(), func() {
		if v.app != nil {
			v.app.Clipboard().SetContent(detail)
			return
		}
		v.win.Clipboard().SetContent(detail)
	}))
	v.errDetails = widget.NewAccordion(widget.NewAccordionItem("Details", details))
	body.Add(v.errDetails)
	content := container.NewBorder(head, nil, widget.NewIcon(theme.ErrorIcon()), nil, body)
	d := dialog.NewCustom(title, "Close", content, v.win)
	width := float32(520)
	if cs := v.win.Canvas().Size(); cs.Width > 0 && cs.Width*0.9 < width {
		width = cs.Width * 0.9
	}
	d.Resize(fyne.NewSize(width, 0))
	d.SetOnClosed(func() {
		if v.errDialog == d {
			v.errDialog = nil
		}
	})
	v.errDialog = d
	d.Show()
}

// rootCause finds the error that says what went wrong: it follows the
// wrapping (at most maxUnwrap levels) while the wrapped error's text is
// part of the wrapper's, as with fmt.Errorf("context: %w", err). It stops
// at an error that wraps a sentinel it does not quote (a typed error
// classifying itself, like decoder.UnsupportedError wrapping
// ErrUnsupportedCodec), whose own text is the more informative. Of several
// wrapped errors (errors.Join, or fmt.Errorf with several %w) it follows
// the one with the longest text, the detailed one rather than a sentinel.
func rootCause(err error) error {
	const maxUnwrap = 32
	for i := 0; i < maxUnwrap; i++ {
		var next error
		switch u := err.(type) {
		case interface{ Unwrap() error }:
			next = u.Unwrap()
		case interface{ Unwrap() []error }:
			for _, e := range u.Unwrap() {
				if e != nil && (next == nil || len(e.Error()) > len(next.Error())) {
					next = e
				}
			}
		}
		if next == nil || !strings.Contains(err.Error(), next.Error()) {
			return err
		}
		err = next
	}
	return err
}

// Close unsubscribes from the player and stops pending commands. The
// window itself is the caller's.
func (v *View) Close() {
	v.osd.timer.stop()
	v.fsHide.stop()
	v.out.detach(v)
	v.unbind()
	v.seeks.Close()
	v.vols.Close()
}

func (v *View) duration() time.Duration {
	if v.st.Duration > 0 {
		return v.st.Duration
	}
	if v.st.Media != nil {
		return v.st.Media.Duration
	}
	return 0
}

// displayName is a short name for a location: the file name of a path or
// URL, or the location itself. A Smooth Streaming manifest's URL
// (".../Name.ism/Manifest", MS-SSTR 2.2.2) is named after its
// presentation, Name.
func displayName(location string) string {
	if location == "" {
		return ""
	}
	p, smooth := mediaPath(location)
	b := path.Base(p)
	if smooth {
		return trimISM(b)
	}
	if b != "." && b != "/" && b != "" {
		return b
	}
	return location
}

// mediaPath is the path that names the media at location: a URL's path
// (decoded), or a bare path as written; for a Smooth Streaming manifest
// (…/Name.ism/Manifest, any case, or Manifest(…), MS-SSTR 2.2.2) the
// presentation's directory, with smooth set.
func mediaPath(location string) (p string, smooth bool) {
	p = location
	if strings.Contains(location, "://") {
		if u, err := url.Parse(location); err == nil && u.Scheme != "" {
			p = u.Path
		}
	}
	if l := strings.ToLower(path.Base(p)); l == "manifest" || strings.HasPrefix(l, "manifest(") {
		dir := path.Dir(p)
		if name := trimISM(path.Base(dir)); name != "." && name != "/" && name != "" {
			return dir, true
		}
	}
	return p, false
}

// trimISM drops a Smooth presentation's .ism or .isml (any case).
func trimISM(name string) string {
	switch ext := path.Ext(name); strings.ToLower(ext) {
	case ".ism", ".isml":
		return strings.TrimSuffix(name, ext)
	}
	return name
}
