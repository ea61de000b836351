#!/bin/sh
# make_demo.sh writes demo.asf, the presentation Eddy plays when started
# without a URL: a 20-second arpeggio over a ten-chord progression (triangle
# lead, sine bass, quiet sine pad, an eighth-note echo), MP3 at 96 kb/s in an
# ASF container with title/author/copyright in the Content Description
# object. Everything is synthesised by FFmpeg's aevalsrc; no samples or
# third-party recordings are used.
#
# Usage: assets/make_demo.sh [OUTPUT]   (default: assets/demo.asf next to this
# script). FFmpeg's output is byte-stable for the same FFmpeg/LAME versions;
# re-running it on another version may change bytes but not the music.
set -eu

out=${1:-"$(dirname "$0")/demo.asf"}

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

ffmpeg -hide_banner -loglevel error -y \
	-f lavfi -i "aevalsrc='$left|$right':s=44100:d=20" \
	-af "aecho=0.8:0.6:250:0.22,volume=5dB" \
	-fflags +bitexact -flags:a +bitexact -map_metadata -1 \
	-metadata title="Eddy Demo — Arpeggio in C" \
	-metadata author="The Eddy developers" \
	-metadata copyright="Public domain (CC0), synthesised by assets/make_demo.sh" \
	-c:a libmp3lame -b:a 96k -ar 44100 -ac 2 \
	-f asf "$out"
