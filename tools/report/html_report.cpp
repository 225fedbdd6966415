#include "tools/report/html_report.hpp"

namespace llmsim::tools {

std::string render_html(const HtmlPage& page) {
    std::string out =
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" + xml_escape(page.title) +
        "</title>\n<style>\n"
        "body{font-family:sans-serif;margin:24px;color:#222;max-width:1360px}\n"
        "h1{font-size:20px;margin-bottom:2px}h2{font-size:16px;margin-top:28px;border-bottom:1px solid #ccc}\n"
        ".sub{color:#555;margin-top:0}table{border-collapse:collapse;margin:8px 0}\n"
        "td{padding:2px 12px 2px 0;font-size:13px}td:first-child{color:#555}\n"
        ".charts{display:flex;flex-wrap:wrap;gap:12px}.charts svg{border:1px solid #ddd}\n"
        ".note{font-size:13px;color:#555}\n"
        "</style>\n</head>\n<body>\n";
    out += "<h1>" + xml_escape(page.title) + "</h1>\n";
    if (!page.subtitle.empty()) out += "<p class=\"sub\">" + xml_escape(page.subtitle) + "</p>\n";
    for (const auto& s : page.sections) {
        out += "<h2>" + xml_escape(s.heading) + "</h2>\n";
        if (!s.facts.empty()) {
            out += "<table>\n";
            for (const auto& [label, value] : s.facts)
                out += "<tr><td>" + xml_escape(label) + "</td><td>" + xml_escape(value) + "</td></tr>\n";
            out += "</table>\n";
        }
        for (const auto& n : s.notes)
            out += "<p class=\"note\">" + xml_escape(n) + "</p>\n";
        if (!s.charts.empty()) {
            out += "<div class=\"charts\">\n";
            for (const auto& c : s.charts)
                out += render_svg(c);
            out += "</div>\n";
        }
    }
    out += "<p class=\"note\">Written by llmsim report.</p>\n</body>\n</html>\n";
    return out;
}

}  // namespace llmsim::tools
