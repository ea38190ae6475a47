// decnet: entry point. Everything happens in the cli module.
#include "cli/app.hpp"

int main(int argc, char** argv) {
    return decnet::cli::run(argc, argv);
}
