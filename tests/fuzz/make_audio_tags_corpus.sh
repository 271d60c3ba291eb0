#!/usr/bin/env bash
# Regenerates the fuzz_audio_tags seed corpus (tests/fuzz/corpus/audio_tags/) with ffmpeg: tiny
# tagged files in every format, with a picture where the container takes one.
set -euo pipefail
cd "$(dirname "$0")"
out=corpus/audio_tags
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"

ff() { ffmpeg -nostdin -hide_banner -loglevel error -y -fflags +bitexact "$@"; }
# Binary integers for hand-made structures.
be32() { printf "\\x$(printf %02x $(($1 >> 24 & 255)))\\x$(printf %02x $(($1 >> 16 & 255)))\\x$(printf %02x $(($1 >> 8 & 255)))\\x$(printf %02x $(($1 & 255)))"; }
le32() { printf "\\x$(printf %02x $(($1 & 255)))\\x$(printf %02x $(($1 >> 8 & 255)))\\x$(printf %02x $(($1 >> 16 & 255)))\\x$(printf %02x $(($1 >> 24 & 255)))"; }

tone=(-f lavfi -i sine=frequency=440:duration=0.05)
mono=(-ar 8000 -ac 1)
ff -f lavfi -i color=c=red:s=4x4 -frames:v 1 "$work/cover.png"
picture=(-i "$work/cover.png" -map 0 -map 1 -c:v copy -disposition:v attached_pic
  -metadata:s:v "comment=Cover (front)")
tags=(-metadata "title=T$(printf '\xc3\xaf')tle" -metadata artist=Artist -metadata album=Album
  -metadata album_artist=AlbumArtist -metadata track=3/12 -metadata disc=1/2
  -metadata date=2019-05-01 -metadata genre=Rock -metadata "lyrics=one
two")
vorbis_ids=(-metadata MUSICBRAINZ_TRACKID=11111111-1111-4111-8111-111111111111
  -metadata MUSICBRAINZ_ALBUMID=22222222-2222-4222-8222-222222222222
  -metadata MUSICBRAINZ_ARTISTID=33333333-3333-4333-8333-333333333333
  -metadata MUSICBRAINZ_ALBUMARTISTID=44444444-4444-4444-8444-444444444444
  -metadata MUSICBRAINZ_RELEASEGROUPID=55555555-5555-4555-8555-555555555555)
id3_ids=(-metadata "MusicBrainz Album Id=22222222-2222-4222-8222-222222222222"
  -metadata "MusicBrainz Artist Id=33333333-3333-4333-8333-333333333333")

# A FLAC picture block (type 3, front cover) around the PNG, base64 for a Vorbis comment.
png_size=$(stat -c %s "$work/cover.png")
{
  be32 3; be32 9; printf 'image/png'; be32 0; be32 4; be32 4; be32 24; be32 0
  be32 "$png_size"; cat "$work/cover.png"
} >"$work/picture.bin"
ogg_picture=(-metadata "METADATA_BLOCK_PICTURE=$(base64 -w0 "$work/picture.bin")")

ff "${tone[@]}" "${picture[@]}" "${mono[@]}" -c:a libmp3lame -b:a 8k -write_id3v1 1 "${tags[@]}" "${id3_ids[@]}" \
  "$out/id3v24.mp3"
ff "${tone[@]}" "${mono[@]}" -c:a libmp3lame -b:a 8k -id3v2_version 3 "${tags[@]}" "${id3_ids[@]}" \
  "$out/id3v23.mp3"
ff "${tone[@]}" "${picture[@]}" "${mono[@]}" -c:a flac "${tags[@]}" "${vorbis_ids[@]}" "$out/comment.flac"
ff "${tone[@]}" "${mono[@]}" -c:a libvorbis "${tags[@]}" "${vorbis_ids[@]}" "${ogg_picture[@]}" \
  "$out/comment.ogg"
ff "${tone[@]}" "${mono[@]}" -c:a libopus -b:a 6k "${tags[@]}" "${vorbis_ids[@]}" "${ogg_picture[@]}" \
  "$out/comment.opus"
ff "${tone[@]}" "${picture[@]}" "${mono[@]}" -c:a aac -b:a 8k "${tags[@]}" "$out/ilst.m4a"
ff -f lavfi -i sine=duration=0.01 "${mono[@]}" -c:a pcm_u8 "${tags[@]}" "$out/info.wav"

# WAV with an "id3 " chunk: the ID3v2 tag of an MP3 (10 header bytes and a syncsafe size).
ff "${tone[@]}" "${mono[@]}" -c:a libmp3lame -b:a 8k "${tags[@]}" "${id3_ids[@]}" "$work/tagged.mp3"
read -r s0 s1 s2 s3 < <(od -An -tu1 -j6 -N4 "$work/tagged.mp3")
tag_size=$((10 + (s0 << 21 | s1 << 14 | s2 << 7 | s3)))
head -c "$tag_size" "$work/tagged.mp3" >"$work/tag.bin"
[ $((tag_size % 2)) -eq 1 ] && printf '\0' >>"$work/tag.bin"
wav_body="$work/body.bin"
tail -c +9 "$out/info.wav" >"$wav_body"
{
  printf 'RIFF'; le32 $(($(stat -c %s "$wav_body") + 8 + $(stat -c %s "$work/tag.bin")))
  cat "$wav_body"; printf 'id3 '; le32 "$tag_size"; cat "$work/tag.bin"
} >"$out/id3.wav"

ls -l "$out"
