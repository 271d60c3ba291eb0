// Rules for values read from audio tags: text made safe to store and serve, positions, years, ids.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace volkrin {

// How much of one text value is kept, and whether it may span lines.
struct TagTextLimits {
  std::size_t max_chars;  // Unicode characters
  std::size_t max_bytes;  // bytes of UTF-8
  bool multiline;         // keep line breaks (as '\n') instead of turning them into spaces
};

// Names: title, artist, album, album artist, genre.
inline constexpr TagTextLimits kTagNameLimits{1000, 4000, false};
// Lyrics: 100 KiB of UTF-8, line breaks kept.
inline constexpr TagTextLimits kTagLyricsLimits{100 * 1024, 100 * 1024, true};

// A tag's text, given as UTF-16 code units one per wchar_t (how TagLib holds strings), as
// valid UTF-8 that a JSON or XML document can carry as is:
// - unpaired surrogates and values outside Unicode become U+FFFD;
// - control characters (C0, DEL, C1), U+FEFF and the non-characters U+FFFE/U+FFFF are
//   dropped, except that tab, CR, LF, VT and FF become a space, or in multiline text tab a
//   space and CR LF, CR, LF, VT and FF a '\n';
// - leading and trailing spaces (and line breaks) are trimmed;
// - the result is cut, between characters, to the limits.
// Only as much of the input is read as the limits need. Empty when nothing is left.
std::string clean_tag_text(std::wstring_view units, const TagTextLimits& limits);

// A track or disc position: "3", "03", "3/12", " 3 / 12 ", "/12". Each part counts only when it
// is all ASCII digits with a value in 1..max; anything else ("0", "-3", "abc", "3.5") leaves
// that part absent. A total smaller than the number is absent too.
struct TagPosition {
  std::optional<int> number;
  std::optional<int> total;
  bool operator==(const TagPosition&) const = default;
};
TagPosition parse_tag_position(std::string_view text, int max);

// A count on its own (TRACKTOTAL, DISCTOTAL): all ASCII digits, 1..max.
std::optional<int> parse_tag_count(std::string_view text, int max);

// The year of a date: the four digits that begin "2019", "2019-05-01" or "2019-05-01T10:00",
// 1000..9999. Garbage, two-digit years and "20190501" give nullopt.
std::optional<int> parse_tag_year(std::string_view text);

// A MusicBrainz id (a UUID, 8-4-4-4-12 hex digits) in lower case. A value that holds several
// ids ("id1/id2", "id1; id2") gives the first. Anything else gives nullopt.
std::optional<std::string> parse_musicbrainz_id(std::string_view text);

}  // namespace volkrin
