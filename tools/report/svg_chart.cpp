#include "tools/report/svg_chart.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "common/error.hpp"

namespace llmsim::tools {
namespace {

// A qualitative palette readable on white (Okabe-Ito, colour-blind safe).
constexpr const char* kColours[] = {"#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000"};

std::string tick_label(double v, double step) {
    if (v == 0) return "0";
    const double a = std::abs(v);
    if (a >= 1e6 || a < 1e-3) return fmt::format("{:.3g}", v);
    const int decimals = step >= 1 ? 0 : static_cast<int>(std::ceil(-std::log10(step)));
    return fmt::format("{:.{}f}", v, std::min(decimals, 6));
}

struct Range {
    double lo = std::numeric_limits<double>::infinity();
    double hi = -std::numeric_limits<double>::infinity();
    void add(double v) {
        lo = std::min(lo, v);
        hi = std::max(hi, v);
    }
    [[nodiscard]] bool empty() const { return lo > hi; }
};

}  // namespace

std::string xml_escape(const std::string& text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

std::vector<double> nice_ticks(double lo, double hi, int target) {
    LLMSIM_ASSERT(std::isfinite(lo) && std::isfinite(hi) && lo <= hi && target >= 2, "tick range");
    if (hi == lo) {
        const double pad = lo == 0 ? 1 : std::abs(lo) * 0.1;
        lo -= pad;
        hi += pad;
    }
    const double raw = (hi - lo) / target;
    const double mag = std::pow(10.0, std::floor(std::log10(raw)));
    double step = mag;
    for (double m : {1.0, 2.0, 5.0, 10.0}) {
        step = m * mag;
        if (step >= raw) break;
    }
    std::vector<double> ticks;
    const double first = std::floor(lo / step) * step;
    // Up to the first tick at or above hi, so every point lies inside the frame (a tolerance absorbs rounding).
    for (int i = 0;; ++i) {
        const double t = first + i * step;
        ticks.push_back(std::abs(t) < step * 1e-9 ? 0.0 : t);
        if (t >= hi - step * 1e-9) break;
    }
    return ticks;
}

std::string render_svg(const Chart& chart, int width_px, int height_px) {
    constexpr int kLeft = 70, kRight = 20, kTop = 34, kBottom = 46;
    const int plot_w = width_px - kLeft - kRight;
    const int plot_h = height_px - kTop - kBottom;
    LLMSIM_ASSERT(plot_w > 50 && plot_h > 50, "chart too small");

    Range xr, yr;
    size_t points = 0;
    for (const auto& s : chart.series) {
        LLMSIM_ASSERT(s.x.size() == s.y.size(), "series " + s.name + " has x and y of different lengths");
        for (size_t i = 0; i < s.x.size(); ++i) {
            if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i])) continue;
            xr.add(s.x[i]);
            yr.add(s.y[i]);
            ++points;
        }
    }
    std::string out =
        fmt::format(R"(<svg xmlns="http://www.w3.org/2000/svg" class="chart" data-points="{}" width="{}" height="{}" )"
                    R"(viewBox="0 0 {} {}" font-family="sans-serif" font-size="11">)"
                    "\n",
                    points, width_px, height_px, width_px, height_px);
    out += fmt::format(R"(<rect width="{}" height="{}" fill="#ffffff"/>)"
                       "\n",
                       width_px, height_px);
    out += fmt::format(R"(<text x="{}" y="18" font-size="13" font-weight="bold">{}</text>)"
                       "\n",
                       kLeft, xml_escape(chart.title));
    if (points == 0) {
        out += fmt::format(R"(<text x="{}" y="{}" fill="#666666">no data</text>)"
                           "\n</svg>\n",
                           kLeft + plot_w / 2 - 20, kTop + plot_h / 2);
        return out;
    }
    if (chart.y_from_zero) {
        yr.add(0);
    }
    std::vector<double> xt;
    if (chart.x_categories.empty()) {
        xt = nice_ticks(xr.lo, xr.hi);
    } else {
        // Half a category of margin either side, so the end points are not on the frame.
        xt = {-0.5};
        for (size_t i = 0; i < chart.x_categories.size(); ++i)
            xt.push_back(static_cast<double>(i));
        xt.push_back(static_cast<double>(chart.x_categories.size()) - 0.5);
    }
    const std::vector<double> yt = nice_ticks(yr.lo, yr.hi);
    const double x0 = xt.front(), x1 = xt.back(), y0 = yt.front(), y1 = yt.back();
    auto px = [&](double x) { return kLeft + (x - x0) / (x1 - x0) * plot_w; };
    auto py = [&](double y) { return kTop + plot_h - (y - y0) / (y1 - y0) * plot_h; };

    // Grid, ticks and axis titles.
    out += "<g stroke=\"#e0e0e0\" stroke-width=\"1\">\n";
    for (double t : xt)
        out += fmt::format(R"(<line x1="{:.1f}" y1="{}" x2="{:.1f}" y2="{}"/>)"
                           "\n",
                           px(t), kTop, px(t), kTop + plot_h);
    for (double t : yt)
        out += fmt::format(R"(<line x1="{}" y1="{:.1f}" x2="{}" y2="{:.1f}"/>)"
                           "\n",
                           kLeft, py(t), kLeft + plot_w, py(t));
    out += "</g>\n";
    out += fmt::format(R"(<rect x="{}" y="{}" width="{}" height="{}" fill="none" stroke="#444444"/>)"
                       "\n",
                       kLeft, kTop, plot_w, plot_h);
    const double x_step = xt.size() > 1 ? xt[1] - xt[0] : 1;
    const double y_step = yt.size() > 1 ? yt[1] - yt[0] : 1;
    for (double t : xt) {
        std::string label = tick_label(t, x_step);
        if (!chart.x_categories.empty()) {
            const double rounded = std::round(t);
            if (rounded != t || rounded < 0) continue;
            label = chart.x_categories[static_cast<size_t>(rounded)];
        }
        out += fmt::format(R"(<text x="{:.1f}" y="{}" text-anchor="middle">{}</text>)"
                           "\n",
                           px(t), kTop + plot_h + 15, xml_escape(label));
    }
    for (double t : yt)
        out += fmt::format(R"(<text x="{}" y="{:.1f}" text-anchor="end">{}</text>)"
                           "\n",
                           kLeft - 5, py(t) + 4, tick_label(t, y_step));
    out += fmt::format(R"(<text x="{}" y="{}" text-anchor="middle">{}</text>)"
                       "\n",
                       kLeft + plot_w / 2, height_px - 8, xml_escape(chart.x_label));
    out += fmt::format(R"x(<text transform="translate(14,{}) rotate(-90)" text-anchor="middle">{}</text>)x"
                       "\n",
                       kTop + plot_h / 2, xml_escape(chart.y_label));

    // Series, then the legend (top right, inside the plot).
    for (size_t si = 0; si < chart.series.size(); ++si) {
        const ChartSeries& s = chart.series[si];
        const char* colour = kColours[si % std::size(kColours)];
        std::string path;
        bool pen_down = false;
        for (size_t i = 0; i < s.x.size(); ++i) {
            if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i])) {
                pen_down = false;
                continue;
            }
            if (s.style == SeriesStyle::points) {
                out += fmt::format(R"(<circle cx="{:.1f}" cy="{:.1f}" r="3" fill="{}" fill-opacity="0.7"/>)"
                                   "\n",
                                   px(s.x[i]), py(s.y[i]), colour);
                continue;
            }
            if (!pen_down) {
                path += fmt::format("M{:.1f},{:.1f}", px(s.x[i]), py(s.y[i]));
                pen_down = true;
            } else if (s.style == SeriesStyle::step) {
                path += fmt::format("H{:.1f}V{:.1f}", px(s.x[i]), py(s.y[i]));
            } else {
                path += fmt::format("L{:.1f},{:.1f}", px(s.x[i]), py(s.y[i]));
            }
        }
        if (!path.empty()) {
            out += fmt::format(R"(<path d="{}" fill="none" stroke="{}" stroke-width="1.6"/>)"
                               "\n",
                               path, colour);
        }
    }
    if (chart.series.size() > 1 || (!chart.series.empty() && !chart.series.front().name.empty())) {
        int y = kTop + 14;
        for (size_t si = 0; si < chart.series.size(); ++si) {
            const char* colour = kColours[si % std::size(kColours)];
            const int x = kLeft + plot_w - 150;
            out += fmt::format(R"(<rect x="{}" y="{}" width="12" height="3" fill="{}"/>)"
                               R"(<text x="{}" y="{}">{}</text>)"
                               "\n",
                               x, y - 4, colour, x + 16, y, xml_escape(chart.series[si].name));
            y += 14;
        }
    }
    out += "</svg>\n";
    return out;
}

}  // namespace llmsim::tools
