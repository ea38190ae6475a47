// A PLC's built-in web server (see plc_front.hpp).
#include "honeypot/services/http/plc_front.hpp"

#include <ctime>

namespace decnet::honeypot {
namespace {

bool siemens(const PlcDevice& d) {
    return d.vendor == "Siemens";
}

// The landing page each vendor redirects to.
std::string landing(const PlcDevice& d) {
    if (d.model == "s7-300") return "/Portal0000.htm";
    if (siemens(d)) return "/Default.mwsl";
    return "/index.htm";
}

std::string row(const std::string& name, const std::string& value) {
    return "<tr><td class=\"Static_text\">" + name + ":</td><td class=\"output_field\">" + value +
           "</td></tr>\n";
}

std::string identity_page(const PlcDevice& d) {
    return "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01 Transitional//EN\">\n<html>\n<head>\n"
           "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\">\n<title>" +
           d.web_title + "</title>\n</head>\n<body>\n<div class=\"Header\">" + d.product + " - " +
           d.station + "</div>\n<h2>Start page</h2>\n<table class=\"Information\">\n" +
           row("Station name", d.station) + row("Module name", d.module_name) +
           row("Module type", d.cpu) + row("Order number", d.order_number) +
           row("Firmware", d.firmware.text()) + row("Serial number", d.serial) +
           row("Plant designation", d.plant) + row("Location", d.location) +
           row("Operating mode", "RUN") + "</table>\n<form method=\"post\" action=\"" +
           (siemens(d) ? "/FORMS/portal/login" : "/secure/login.htm") +
           "\">\n<label>User name</label> <input type=\"text\" name=\"Login\">\n"
           "<label>Password</label> <input type=\"password\" name=\"Password\">\n"
           "<input type=\"submit\" value=\"Log in\">\n</form>\n</body>\n</html>\n";
}

std::string schneider_date() {
    static constexpr const char* kDays[] = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};
    static constexpr const char* kMonths[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                              "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char out[40];
    std::snprintf(out, sizeof out, "%s %s %02d %02d:%02d:%02d %04d", kDays[tm.tm_wday],
                  kMonths[tm.tm_mon], tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                  tm.tm_year + 1900);
    return out;
}

std::string head(const PlcDevice& d, const std::string& status, const std::string& type,
                 std::size_t length) {
    if (siemens(d))
        return "HTTP/1.0 " + status + "\r\nContent-Type:" + type +
               "\r\nContent-Length: " + std::to_string(length) + "\r\nConnection: close\r\n";
    return "HTTP/1.0 " + status + "\r\nServer: Schneider-WEB/V2.1.4\r\nDate: " + schneider_date() +
           "\r\nPragma: no-cache\r\nCache-Control: no-cache\r\nContent-length: " +
           std::to_string(length) + "\r\nContent-Type: " + type + "\r\n";
}

}  // namespace

std::string plc_front_response(const PlcDevice& d, const std::string& method,
                               const std::string& path) {
    const bool head_only = method == "HEAD";
    const auto body_if = [&](const std::string& body) { return head_only ? std::string() : body; };
    if (path == "/" || path.empty()) {
        if (d.model == "s7-300") {
            const std::string body =
                "<HTML><HEAD><TITLE>Error</TITLE></HEAD>\r\n<BODY><CENTER><H2>/<BR><BR>302 : "
                "MOVED TEMPORARILY</H2></CENTER></BODY></HTML>";
            return "HTTP/1.0 302\r\nLocation: /Portal0000.htm\r\nContent-Type: text/html\r\n"
                   "Content-Length: " +
                   std::to_string(body.size()) + "\r\n\r\n" + body_if(body);
        }
        if (siemens(d))
            return "HTTP/1.0 302 Object Moved\r\nContent-Type:text/html\r\nContent-Length: 0\r\n"
                   "Connection: close\r\nLocation: /Default.mwsl\r\n\r\n";
        return head(d, "302 Redirect", "text/html", 0) + "Location: " + landing(d) + "\r\n\r\n";
    }
    if (path == landing(d)) {
        const auto body = identity_page(d);
        return head(d, "200 OK", "text/html", body.size()) + "\r\n" + body_if(body);
    }
    const std::string body =
        "<html><head><title>Document Error: Page not found</title></head>\r\n\t\t<body><h2>Access "
        "Error: Page not found</h2>\r\n\t\t<p>Bad request type</p></body></html>\r\n\r\n";
    return head(d, "404 Not Found", "text/html", body.size()) + "\r\n" + body_if(body);
}

}  // namespace decnet::honeypot
