// The bait files' binary stubs: what `file` and a hex dump see first.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "honeypot/world/bait_files.hpp"

namespace decnet::honeypot {
namespace {

unsigned u16_at(const std::string& s, std::size_t at) {
    return static_cast<unsigned char>(s[at]) | static_cast<unsigned char>(s[at + 1]) << 8;
}

// A whole ZIP local file header (30 bytes), then the member name Office puts first: the
// name must sit at offset 30 with its length at 26, or `file` calls it plain data.
TEST(XlsxStub, IsAZipLocalHeaderNamingContentTypes) {
    const auto stub = xlsx_stub("Q3 revenue by region");
    ASSERT_GE(stub.size(), 30u + 19u);
    EXPECT_EQ(stub.substr(0, 4), std::string("PK\x03\x04", 4));
    EXPECT_EQ(u16_at(stub, 26), 19u);
    EXPECT_EQ(u16_at(stub, 28), 0u);
    EXPECT_EQ(stub.substr(30, 19), "[Content_Types].xml");
    EXPECT_EQ(stub.substr(49, 20), "Q3 revenue by region");
}

TEST(XlsxStub, FileNamesItAnExcelWorkbook) {
    const std::string path = testing::TempDir() + "/xlsx_stub_test.xlsx";
    std::ofstream(path, std::ios::binary) << xlsx_stub("Q3 revenue by region");
    std::string out;
    if (FILE* p = ::popen(("file -b " + path).c_str(), "r")) {
        char buf[256];
        while (std::fgets(buf, sizeof buf, p)) out += buf;
        ::pclose(p);
    }
    std::remove(path.c_str());
    EXPECT_NE(out.find("Microsoft"), std::string::npos) << out;
}

}  // namespace
}  // namespace decnet::honeypot
