#!/bin/sh
# Eddy's whole test suite (what `make test` and CI run after setup).
set -eu
cd "$(dirname "$0")/.."
export LANG=en_US.UTF-8
command -v go >/dev/null 2>&1 || PATH=$PATH:/usr/local/go/bin

step() { printf '\n== %s\n' "$*"; }

step "gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then
  echo "gofmt would change: $unformatted" >&2
  exit 1
fi

step "go vet ./... (the first run compiles Fyne's C code: about 5 minutes)"
go vet ./...

# cmd/eddy links the real OpenGL app; a -race build would compile go-gl's C
# code a second time, so it runs without -race below.
pkgs=$(go list ./... | grep -v '/cmd/eddy$')
step "go test -race (everything but the window binary)"
# shellcheck disable=SC2086
go test -race -count=1 -timeout 15m $pkgs

step "go test ./cmd/eddy (the real window under Xvfb, screenshot in out/screenshots)"
# With the tags make build gives bin/eddy, so the window tested is the one shipped.
go test -tags no_emoji -count=1 -timeout 15m ./cmd/eddy

step "CGO_ENABLED=0: the build without libavcodec and oto (pure-Go decoders; names what it lacks)"
CGO_ENABLED=0 go build -o /dev/null ./cmd/eddyplay
CGO_ENABLED=0 go test -count=1 ./player/decoder/lavc ./player/decoder

echo
echo "all tests passed"
