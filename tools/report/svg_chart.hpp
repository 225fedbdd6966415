#pragma once
// A small SVG chart writer for `llmsim report`: x/y line, step (CDF) and scatter series on linear axes with
// rounded ticks, axis titles and a legend. Output is deterministic text (fixed decimals), inline in the HTML page.
// Why not gnuplot: see docs/report.md.
#include <string>
#include <vector>

namespace llmsim::tools {

enum class SeriesStyle { line, step, points };

struct ChartSeries {
    std::string name;
    std::vector<double> x;
    std::vector<double> y;
    SeriesStyle style = SeriesStyle::line;
};

struct Chart {
    std::string title;
    std::string x_label;
    std::string y_label;
    std::vector<ChartSeries> series;
    bool y_from_zero = true;  // include 0 on the y axis (counts, rates); false zooms to the data
    // Categorical x axis: x values are indices into these labels (ticks at each category).
    std::vector<std::string> x_categories;
};

// The chart as one <svg> element (width x height px). Non-finite points are dropped; a chart without any point
// renders axes and "no data".
std::string render_svg(const Chart& chart, int width_px = 640, int height_px = 320);

// "Nice" tick positions covering [lo, hi] (about `target` of them, steps of 1, 2 or 5 x 10^k).
std::vector<double> nice_ticks(double lo, double hi, int target = 5);

// Escapes &, <, >, " for SVG/HTML text and attributes.
std::string xml_escape(const std::string& text);

}  // namespace llmsim::tools
