// The decnet command line: builds the CLI11 app from one file per command and runs it.
#pragma once

namespace decnet::cli {

// Exit codes: 0 success, 1 user/config error, 2 usage error, 3 not available yet.
int run(int argc, char** argv);

}  // namespace decnet::cli
