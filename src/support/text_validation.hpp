// Rules for text from outside (request fields, search texts, tags read from files): what is
// stored and served is valid UTF-8 without control characters, so every JSON client reads it.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace volkrin {

// The number of code points in `text`, or nullopt when it is not valid UTF-8: overlong
// forms, surrogates (U+D800..U+DFFF), code points past U+10FFFF and cut sequences are all
// invalid.
std::optional<std::size_t> utf8_length(std::string_view text);

// A control character of single-line text: C0 (U+0000..U+001F, tab, line feed and carriage
// return included), DEL, C1 (U+0080..U+009F), and the line and paragraph separators U+2028
// and U+2029.
bool is_control_character(char32_t c);

// A character that shows nothing, or nothing more than a space, so that two strings that
// differ by it look the same: control characters, format characters (Unicode category Cf:
// zero-width spaces and joiners, bidi controls, U+FEFF, U+00AD soft hyphen, tags, ...), the
// other default-ignorable code points (variation selectors, Hangul fillers, ...), and every
// white space character other than the ASCII space.
bool is_invisible_character(char32_t c);

enum class TextFault { none, invalid_utf8, control_character };

// Why `text` is not single-line text (valid UTF-8 without a control character), or none.
TextFault single_line_fault(std::string_view text);

// `text` when it is single-line text; otherwise throws
// ApiError(400, "<field> must be valid UTF-8 text without control characters").
std::string_view require_single_line(std::string_view text, std::string_view field);

// Whether valid UTF-8 `text` holds an invisible character (see is_invisible_character).
// Invalid UTF-8 counts as invisible: it shows as nothing or as a replacement character.
bool has_invisible_character(std::string_view text);

// `text` made single-line, for text that cannot be refused (tags read from files): every
// invalid UTF-8 sequence becomes U+FFFD, every control character a space, and ASCII white
// space is trimmed from both ends. The result always passes single_line_fault().
std::string clean_single_line(std::string_view text);

}  // namespace volkrin
