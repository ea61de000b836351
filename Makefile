# Eddy: the two commands a newcomer needs are `make run` and `make test`.
# Both install what is missing first (scripts/setup.sh; sudo when not root).
SHELL := /bin/sh
export LANG := en_US.UTF-8
export PATH := $(PATH):/usr/local/go/bin
GO ?= go
URL ?=
# no_emoji leaves out Fyne's bundled colour emoji font: parsed once for
# each text style, it held 28 MB of the window's memory (issue 12); a
# player's interface draws none (a title's emoji comes from a system
# font when one has it).
EDDY_TAGS := no_emoji

.PHONY: run test setup setup-test build play package install uninstall bench clean

## run: set up, build and start the window (URL=... opens it; no URL plays the demo)
run: setup build
	./bin/eddy $(URL)

## test: set up, then go vet, every test with -race, and the window tests under Xvfb
test: setup-test
	scripts/test.sh

setup:
	scripts/setup.sh run

setup-test:
	scripts/setup.sh test

## build: the window (bin/eddy) and the headless player (bin/eddyplay)
build:
	@echo "building (the first build compiles Fyne's OpenGL/GLFW C code: 6-8 minutes on 2 cores)"
	$(GO) build -tags $(EDDY_TAGS) -o bin/eddy ./cmd/eddy
	$(GO) build -o bin/eddyplay ./cmd/eddyplay

## play: headless playback of URL to the sound device (eddyplay)
play: setup
	$(GO) build -o bin/eddyplay ./cmd/eddyplay
	./bin/eddyplay $(URL)

## package: a Linux desktop package (out/Eddy.tar.xz: eddy, eddyplay, the desktop entry, icon, install.sh) with `fyne package`
package: setup
	scripts/package.sh

## install: build, then install for this user (no root): eddy and eddyplay in ~/.local/bin, the desktop
## entry and icon, and Eddy as the program for ASF/WMA/WMV/ASX/NSC files and mms/mmsh/rtsp links
install: build
	scripts/install.sh install

## uninstall: remove what `make install` put in place and give the file and link types back to the programs they had
uninstall:
	scripts/install.sh uninstall

## bench: the benchmark scripts (demux throughput against FFmpeg)
bench: setup-test
	bench/demux.sh

clean:
	rm -rf bin out
