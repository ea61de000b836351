#!/bin/sh
# make_demo.sh writes demo.asf, the presentation Eddy plays when started
# without a URL: a 20-second clip, WMV8 video (FourCC WMV2) with WMA v2
# sound in an ASF container, with title/author/copyright/description in the
# Content Description object. Everything is synthesised by FFmpeg's lavfi
# sources; no fonts, samples, pictures or third-party recordings are used.
#
#   Sound: an arpeggio over a ten-chord progression (triangle lead, sine
#   bass, quiet sine pad, an eighth-note echo), WMA v2 at 64 kb/s, 44.1 kHz
#   stereo.
#   Picture: 480x270 at 25 frames/s, 180 kb/s, a key frame every 2 s: a
#   slowly turning spiral gradient (an eddy) with three glowing orbs
#   circling its centre that pulse with the arpeggio's notes, and the
#   sound's spectrum as translucent bars along the bottom; it fades in and
#   fades out with the music.
#
# Usage: assets/make_demo.sh [OUTPUT]   (default: assets/demo.asf next to this
# script). The output is byte-reproducible (bitexact flags, fixed seeds) for
# the same FFmpeg version (made with 5.1); another version may change bytes
# but not the picture or the music. Takes about a minute (geq is slow).
set -eu

out=${1:-"$(dirname "$0")/demo.asf"}

# ---- Sound ----------------------------------------------------------------
# Timing: 2 s per chord, eighth notes of 0.25 s, ten chords = 20 s.
#   ld(0) chord index 0..9
#   ld(1) chord root as a MIDI note (C4 = 60)
#   ld(2) the chord's third in semitones (3 minor, 4 major)
#   ld(3) step 0..7 of the arpeggio inside the chord
#   ld(4) semitone offset of this step above the root
#   ld(5) time since the note started, ld(6) time since the chord started
# Progression: C Am F G | C Am Dm G | F C.
chord='st(0,min(floor(t/2),9))'
root='st(1,if(eq(ld(0),0),60,if(eq(ld(0),1),57,if(eq(ld(0),2),53,if(eq(ld(0),3),55,if(eq(ld(0),4),60,if(eq(ld(0),5),57,if(eq(ld(0),6),50,if(eq(ld(0),7),55,if(eq(ld(0),8),53,60))))))))))'
third='st(2,if(eq(ld(0),1)+eq(ld(0),5)+eq(ld(0),6),3,4))'
step='st(3,mod(floor(t*4),8))'
# Arpeggio pattern (root, third, fifth, octave, fifth, third, octave, fifth);
# the second half climbs a little higher.
offset='st(4,if(eq(ld(3),0),0,if(eq(ld(3),1),ld(2),if(eq(ld(3),2),7,if(eq(ld(3),3),12,if(eq(ld(3),4),7,if(eq(ld(3),5),ld(2),if(eq(ld(3),6),12+gte(ld(0),4)*ld(2),7))))))))'
local='st(5,t-floor(t*4)/4)+st(6,t-2*ld(0))'
setup="$chord+$root+$third+$step+$offset+$local"

hz() { printf '440*pow(2,(%s-69)/12)' "$1"; }
# Lead: triangle wave, fast attack, exponential decay and a 5 ms release per
# note (no clicks at note changes); silent on the last chord, which only rings
# out.
lead="0.22*lt(ld(0),9)*2/PI*asin(sin(2*PI*$(hz 'ld(1)+12+ld(4)')*t))*exp(-7*ld(5))*min(1,ld(5)*400)*min(1,(0.25-ld(5))*200)"
# Bass: sine on the root an octave down, struck once per chord, released in
# the last 50 ms of the chord.
bass="0.30*sin(2*PI*$(hz 'ld(1)-12')*t)*exp(-1.1*ld(6))*min(1,ld(6)*200)*min(1,(2-ld(6))*20)"
# Pad: third and fifth, quiet, swelling and fading over each chord.
pad="0.05*(sin(2*PI*$(hz 'ld(1)+ld(2)')*t)+sin(2*PI*$(hz 'ld(1)+7')*t))*sin(PI*ld(6)/2)"
# Master fade-out over the last two seconds.
fade='min(1,(20-t)/2)'

left="0*($setup)+($bass+0.8*$lead+$pad)*$fade"
right="0*($setup)+($bass+$lead+0.8*$pad)*$fade"

# ---- Picture --------------------------------------------------------------
# Frame 480x270; the eddy's centre is the middle of the frame.
size=480x270
# The note envelope: 1 at each eighth note (every 0.25 s), decaying like the
# lead's notes, so the orbs pulse in time with the arpeggio.
env='exp(-5*(T-floor(T*4)/4))'
# orb PHASE RADIUS SPEED SIZE: the brightness (0..1) of a soft disc that
# circles the centre on an ellipse (RADIUS wide, 0.62 x RADIUS high) at
# SPEED radians per second, its size growing by half at each note.
orb() {
	printf 'pow(max(0,1-hypot(X-240-%s*cos(%s*T+%s),Y-135-0.62*%s*sin(%s*T+%s))/(%s*(0.75+0.45*%s))),1.5)' \
		"$2" "$3" "$1" "$2" "$3" "$1" "$4" "$env"
}
orbs="255*min(1,(0.5+0.5*$env)*($(orb 0 95 0.9 42)+$(orb 2.1 60 -1.3 30)+$(orb 4.2 135 0.6 36)))"
# Background: a spiral gradient in blue and violet, turning slowly (the
# seed fixes the colours' start so the output is reproducible).
background="gradients=s=$size:r=25:d=20:n=3:c0=0x1e3a8a:c1=0x7c3aed:c2=0x0ea5e9:speed=0.012:seed=7:type=spiral:x0=240:y0=135:x1=400:y1=135"
# Spectrum: 40 bars of the sound resampled to 6 kHz (the melody's range),
# drawn small and scaled up without smoothing into wide translucent bars.
spectrum="aresample=6000,showfreqs=s=40x32:rate=25:mode=bar:ascale=log:fscale=log:win_size=1024:colors=white,scale=480x64:flags=neighbor,colorchannelmixer=aa=0.35"

graph="[0:a]aecho=0.8:0.6:250:0.22,volume=5dB,asplit[snd][vis];"
graph="$graph$background[bg];"
graph="${graph}color=c=white@0:s=$size:r=25:d=20,format=rgba,geq=r=255:g=245:b=230:a='$orbs'[orbs];"
graph="$graph[vis]$spectrum[bars];"
graph="$graph[bg][bars]overlay=x=0:y=206:format=auto[under];"
graph="$graph[under][orbs]overlay=format=auto:shortest=1,fade=in:st=0:d=0.8,fade=out:st=18.6:d=1.4,format=yuv420p[pic]"

ffmpeg -hide_banner -loglevel error -y \
	-f lavfi -i "aevalsrc='$left|$right':s=44100:d=20" \
	-filter_complex "$graph" \
	-map '[snd]' -map '[pic]' \
	-fflags +bitexact -flags:a +bitexact -flags:v +bitexact -map_metadata -1 \
	-metadata title="Eddy Demo — Arpeggio in C" \
	-metadata author="The Eddy developers" \
	-metadata copyright="Public domain (CC0), synthesised by assets/make_demo.sh" \
	-metadata comment="Music and pictures made by FFmpeg from formulas: a spiral eddy with three orbs pulsing on the notes, and the sound's spectrum." \
	-c:a wmav2 -b:a 64k -ar 44100 -ac 2 \
	-c:v wmv2 -b:v 180k -g 50 \
	-f asf "$out"
