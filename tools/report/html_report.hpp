#pragma once
// The page of `llmsim report`: one self-contained HTML file (inline CSS and SVG; no scripts, no network).
#include <string>
#include <utility>
#include <vector>

#include "tools/report/svg_chart.hpp"

namespace llmsim::tools {

struct HtmlSection {
    std::string heading;
    std::vector<std::pair<std::string, std::string>> facts;  // label, value (a two-column table)
    std::vector<std::string> notes;                          // plain-text paragraphs
    std::vector<Chart> charts;
};

struct HtmlPage {
    std::string title;
    std::string subtitle;
    std::vector<HtmlSection> sections;
};

std::string render_html(const HtmlPage& page);

}  // namespace llmsim::tools
