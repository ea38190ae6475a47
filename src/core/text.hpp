// ASCII text helpers every protocol parser needs: case folding, trimming, case-insensitive
// comparison. Byte-wise and locale-free (attacker input is not text in any locale).
#pragma once

#include <string>
#include <string_view>

namespace decnet {

char ascii_lower(char c);
char ascii_upper(char c);
std::string ascii_lower(std::string_view s);
std::string ascii_upper(std::string_view s);
// Case-insensitive ASCII equality and prefix test.
bool iequals(std::string_view a, std::string_view b);
bool istarts_with(std::string_view s, std::string_view prefix);
// Without leading and trailing spaces and tabs (`chars` to choose others).
std::string_view trim(std::string_view s, std::string_view chars = " \t");
// Without a trailing CR LF / LF.
std::string_view chomp(std::string_view s);

}  // namespace decnet
