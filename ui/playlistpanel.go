package ui

import (
	"context"
	"fmt"
	"image"
	_ "image/gif" // ASX BANNER images are GIF, JPEG or PNG
	_ "image/jpeg"
	_ "image/png"
	"io"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/eddyplayer/eddy/player"
)

// Banner images: Windows Media Player shows a 194×32 banner; bigger ones
// are scaled down, and what is fetched is bounded.
const (
	bannerWidth, bannerHeight = 194, 32
	maxBannerBytes            = 512 << 10
	bannerTimeout             = 10 * time.Second
)

// playlistPanel is the Playlist tab: the client-side playlist's title,
// banner and "more information" link, its entries (the current one
// marked; double-click plays one), previous/next, the repeat mode
// (off, all, one) and shuffle.
type playlistPanel struct {
	root fyne.CanvasObject

	// OnJump plays entry i; OnSkip moves by one entry (±1); OnRepeat
	// moves the repeat mode on (off → all → one); OnShuffle turns
	// shuffle on or off.
	OnJump    func(i int)
	OnSkip    func(offset int)
	OnRepeat  func()
	OnShuffle func(on bool)
	// fetchBanner loads a banner image; tests replace it.
	fetchBanner func(ctx context.Context, rawURL string) (image.Image, error)
	// do runs f on the Fyne goroutine (fyne.Do; tests run it at once).
	do func(f func())

	title     *widget.Label
	byline    *widget.Label
	more      *widget.Hyperlink
	banner    *canvas.Image
	bannerTip *widget.Label
	list      *widget.List
	prevBtn   *widget.Button
	nextBtn   *widget.Button
	repeat    *widget.Button
	shuffle   *clickCheck
	// orderNote says when the playlist keeps its own order (an entry
	// cannot be skipped): shuffle and repeat one do not apply to it.
	orderNote *widget.Label
	empty     *widget.Label
	body      *fyne.Container

	pl *player.Playlist
	// kinds holds, for the entries of the playlist at kindsOf that have
	// played, whether each has video (noteKind).
	kinds      map[int]bool
	kindsOf    string
	bannerURL  string
	bannerStop context.CancelFunc
	updating   bool
}

func newPlaylistPanel() *playlistPanel {
	p := &playlistPanel{
		title:       &widget.Label{TextStyle: fyne.TextStyle{Bold: true}, Truncation: fyne.TextTruncateEllipsis},
		byline:      &widget.Label{Truncation: fyne.TextTruncateEllipsis},
		more:        widget.NewHyperlink("More information", nil),
		bannerTip:   &widget.Label{TextStyle: fyne.TextStyle{Italic: true}, Truncation: fyne.TextTruncateEllipsis},
		empty:       &widget.Label{Text: "No playlist open. Open an .asx, .wax or .wvx file or URL to see its entries here.", Wrapping: fyne.TextWrapWord},
		fetchBanner: fetchBannerImage,
		do:          fyne.Do,
	}
	p.banner = &canvas.Image{FillMode: canvas.ImageFillContain}
	p.banner.SetMinSize(fyne.NewSize(bannerWidth, bannerHeight))
	p.banner.Hide()
	p.bannerTip.Hide()
	p.more.Hide()
	p.list = widget.NewList(p.length, p.newRow, p.updateRow)
	p.prevBtn = widget.NewButtonWithIcon("Previous", theme.MediaSkipPreviousIcon(), func() { p.skip(-1) })
	p.nextBtn = widget.NewButtonWithIcon("Next", theme.MediaSkipNextIcon(), func() { p.skip(1) })
	p.repeat = widget.NewButtonWithIcon(repeatLabel(player.RepeatOff), theme.MediaReplayIcon(), func() {
		if p.OnRepeat != nil {
			p.OnRepeat()
		}
	})
	p.shuffle = newClickCheck("Shuffle", func(on bool) {
		if !p.updating && p.OnShuffle != nil {
			p.OnShuffle(on)
		}
	})
	p.orderNote = &widget.Label{Text: "This playlist has an entry that cannot be skipped: it plays in its own order (no shuffle; Repeat: One repeats the whole playlist).",
		Wrapping: fyne.TextWrapWord, TextStyle: fyne.TextStyle{Italic: true}}
	p.orderNote.Hide()
	header := container.NewVBox(p.title, p.byline, p.banner, p.bannerTip, p.more)
	// Two rows, so that the side panel's narrow width holds them.
	buttons := container.NewVBox(p.orderNote, container.NewHBox(p.prevBtn, p.nextBtn), container.NewHBox(p.repeat, p.shuffle))
	p.body = container.NewBorder(header, buttons, nil, nil, p.list)
	p.body.Hide()
	p.root = container.NewStack(container.NewPadded(p.empty), p.body)
	p.set(nil)
	return p
}

func (p *playlistPanel) skip(offset int) {
	if p.OnSkip != nil {
		p.OnSkip(offset)
	}
}

func (p *playlistPanel) length() int {
	if p.pl == nil {
		return 0
	}
	return len(p.pl.Entries)
}

// Set shows pl (nil: no playlist). It does nothing when pl is the
// snapshot already shown.
func (p *playlistPanel) Set(pl *player.Playlist) {
	if pl == p.pl {
		return
	}
	p.set(pl)
}

func (p *playlistPanel) set(pl *player.Playlist) {
	p.pl = pl
	if pl == nil {
		p.body.Hide()
		p.empty.Show()
		p.setBanner("", "")
		p.prevBtn.Disable()
		p.nextBtn.Disable()
		p.list.Refresh()
		return
	}
	p.empty.Hide()
	p.body.Show()
	title := pl.Title
	if title == "" {
		title = displayName(pl.URL)
	}
	p.title.SetText(title)
	by := fmt.Sprintf("%d entries", len(pl.Entries))
	if len(pl.Entries) == 1 {
		by = "1 entry"
	}
	if pl.Author != "" {
		by = pl.Author + " · " + by
	}
	p.byline.SetText(by)

	cur, ok := p.current()
	more, banner, tip := pl.MoreInfo, pl.Banner, pl.BannerText
	if ok {
		if cur.MoreInfo != "" {
			more = cur.MoreInfo
		}
		if cur.Banner != "" {
			banner = cur.Banner
		}
	}
	if u, err := url.Parse(more); err == nil && more != "" && (u.Scheme == "http" || u.Scheme == "https") {
		p.more.SetURL(u)
		p.more.Show()
	} else {
		p.more.Hide()
	}
	p.setBanner(banner, tip)

	if pl.FixedOrder {
		p.orderNote.Show()
	} else {
		p.orderNote.Hide()
	}
	if ok && pl.CanPrev {
		p.prevBtn.Enable()
	} else {
		p.prevBtn.Disable()
	}
	if ok && pl.CanNext {
		p.nextBtn.Enable()
	} else {
		p.nextBtn.Disable()
	}
	p.list.Refresh()
	if ok {
		p.list.ScrollTo(pl.Current)
	}
}

// setOrder shows the repeat mode and shuffle (the user's choice, which
// the player keeps for every playlist).
func (p *playlistPanel) setOrder(m player.RepeatMode, shuffle bool) {
	p.repeat.SetText(repeatLabel(m))
	p.updating = true
	p.shuffle.SetChecked(shuffle)
	p.updating = false
}

// current is the entry playing.
func (p *playlistPanel) current() (player.PlaylistEntry, bool) {
	if p.pl == nil || p.pl.Current < 0 || p.pl.Current >= len(p.pl.Entries) {
		return player.PlaylistEntry{}, false
	}
	return p.pl.Entries[p.pl.Current], true
}

// setBanner shows the banner image at rawURL (fetched in the background)
// with its tooltip text; "" hides it.
func (p *playlistPanel) setBanner(rawURL, tip string) {
	p.bannerTip.SetText(tip)
	if tip == "" {
		p.bannerTip.Hide()
	} else {
		p.bannerTip.Show()
	}
	if rawURL == p.bannerURL {
		return
	}
	p.bannerURL = rawURL
	if p.bannerStop != nil {
		p.bannerStop()
		p.bannerStop = nil
	}
	p.banner.Image = nil
	p.banner.Hide()
	if rawURL == "" || p.fetchBanner == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), bannerTimeout)
	p.bannerStop = cancel
	go func() {
		img, err := p.fetchBanner(ctx, rawURL)
		cancel()
		if err != nil || img == nil {
			return
		}
		p.do(func() {
			if p.bannerURL != rawURL {
				return
			}
			p.banner.Image = img
			p.banner.Show()
			p.banner.Refresh()
		})
	}()
}

// fetchBannerImage GETs an http(s) banner image, bounded in size.
func fetchBannerImage(ctx context.Context, rawURL string) (image.Image, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, err
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("banner %s: only http and https banners are fetched", u.Redacted())
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("banner %s: %s", u.Redacted(), resp.Status)
	}
	img, _, err := image.Decode(io.LimitReader(resp.Body, maxBannerBytes))
	return img, err
}

func (p *playlistPanel) newRow() fyne.CanvasObject {
	return newPlaylistRow(p)
}

func (p *playlistPanel) updateRow(id widget.ListItemID, o fyne.CanvasObject) {
	r := o.(*playlistRow)
	r.index = id
	if p.pl == nil || id < 0 || id >= len(p.pl.Entries) {
		return
	}
	e := p.pl.Entries[id]
	name := e.Title
	if name == "" && len(e.Refs) > 0 {
		name = displayName(e.Refs[0])
	}
	text := fmt.Sprintf("%d. %s", id+1, name)
	if e.Author != "" && e.Author != p.pl.Author {
		text += " — " + e.Author
	}
	r.name.SetText(text)
	current := id == p.pl.Current
	r.name.TextStyle = fyne.TextStyle{Bold: current}
	r.name.Refresh()
	detail := ""
	if e.Duration > 0 {
		detail = formatClock(e.Duration)
	}
	if !e.ClientSkip {
		detail = strings.TrimSpace(detail + " no skip")
	}
	r.detail.SetText(detail)
	switch video, known := p.kindOf(id); {
	case current:
		r.icon.SetResource(theme.MediaPlayIcon())
	case e.Failed != "":
		r.icon.SetResource(theme.ErrorIcon())
	case known && video:
		r.icon.SetResource(theme.MediaVideoIcon())
	case known:
		r.icon.SetResource(theme.MediaMusicIcon())
	default:
		r.icon.SetResource(theme.FileIcon())
	}
}

// noteKind records whether the entry of pl that plays, m, has video, for
// its row's icon once another entry plays.
func (p *playlistPanel) noteKind(pl *player.Playlist, m *player.Media) {
	if pl == nil || m == nil || pl.Current < 0 || pl.Current >= len(pl.Entries) {
		return
	}
	if p.kinds == nil || p.kindsOf != pl.URL {
		p.kinds, p.kindsOf = map[int]bool{}, pl.URL
	}
	video := hasVideo(m)
	if was, ok := p.kinds[pl.Current]; !ok || was != video {
		p.kinds[pl.Current] = video
		p.list.RefreshItem(pl.Current)
	}
}

// kindOf tells whether entry i has video: as seen when it played, else
// as its first reference's name says (".wma": audio; ".wmv", a Smooth
// manifest: video); known is false when neither tells.
func (p *playlistPanel) kindOf(i int) (video, known bool) {
	if p.pl != nil && p.kindsOf == p.pl.URL {
		if v, ok := p.kinds[i]; ok {
			return v, true
		}
	}
	if p.pl == nil || i < 0 || i >= len(p.pl.Entries) || len(p.pl.Entries[i].Refs) == 0 {
		return false, false
	}
	ref, _ := mediaPath(p.pl.Entries[i].Refs[0])
	switch strings.ToLower(path.Ext(ref)) {
	case ".wma", ".mp3", ".wav", ".m4a", ".aac", ".flac", ".ogg", ".oga", ".opus":
		return false, true
	case ".wmv", ".ism", ".isml", ".mp4", ".m4v", ".avi", ".mkv", ".webm", ".mov", ".mpg", ".mpeg":
		return true, true
	}
	return false, false
}

// playlistRow is one entry in the list: a tap selects it, a double tap
// plays it.
type playlistRow struct {
	widget.BaseWidget
	panel  *playlistPanel
	index  int
	icon   *widget.Icon
	name   *widget.Label
	detail *widget.Label
}

func newPlaylistRow(p *playlistPanel) *playlistRow {
	r := &playlistRow{panel: p, icon: widget.NewIcon(theme.FileIcon()),
		name:   &widget.Label{Truncation: fyne.TextTruncateEllipsis},
		detail: &widget.Label{}}
	r.ExtendBaseWidget(r)
	return r
}

func (r *playlistRow) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewBorder(nil, nil, r.icon, r.detail, r.name))
}

// Tapped selects the row.
func (r *playlistRow) Tapped(*fyne.PointEvent) { r.panel.list.Select(r.index) }

// DoubleTapped plays the row's entry.
func (r *playlistRow) DoubleTapped(*fyne.PointEvent) {
	if r.panel.OnJump != nil {
		r.panel.OnJump(r.index)
	}
}
