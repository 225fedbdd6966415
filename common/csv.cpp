#include "common/csv.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include "common/bounded.hpp"
#include "common/error.hpp"
#include "common/strings.hpp"

namespace llmsim {
namespace {

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(path, "cannot open file for reading");
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

}  // namespace

CsvReader::CsvReader(std::string path) : name_(path), text_(read_file(path)) {
    parse_header();
}

CsvReader::CsvReader(std::string name, std::string text) : name_(std::move(name)), text_(std::move(text)) {
    parse_header();
}

void CsvReader::parse_header() {
    if (text_.size() >= 3 && static_cast<unsigned char>(text_[0]) == 0xEF &&
        static_cast<unsigned char>(text_[1]) == 0xBB && static_cast<unsigned char>(text_[2]) == 0xBF) {
        pos_ = 3;
    }
    std::string_view line;
    while (read_line(line)) {
        if (!trim(line).empty()) break;
    }
    if (trim(line).empty()) throw InputError(name_, "empty file (expected a CSV header line)");
    split_fields(line);
    for (auto f : fields_)
        header_.emplace_back(trim(f));
}

bool CsvReader::read_line(std::string_view& out) {
    if (pos_ >= text_.size()) return false;
    // Quotes never span lines: a stray quote is an error on its own line, not a field that swallows the file.
    size_t end = text_.find('\n', pos_);
    if (end == std::string::npos) end = text_.size();
    size_t len = end - pos_;
    if (len > 0 && text_[pos_ + len - 1] == '\r') --len;
    out = std::string_view(text_).substr(pos_, len);
    ++line_;
    pos_ = end + 1;
    return true;
}

void CsvReader::split_fields(std::string_view line) {
    fields_.clear();
    unquoted_.clear();
    size_t i = 0;
    while (true) {
        if (i < line.size() && line[i] == '"') {
            std::string value;
            const size_t open = i;
            ++i;
            bool closed = false;
            while (i < line.size()) {
                if (line[i] == '"') {
                    if (i + 1 < line.size() && line[i + 1] == '"') {
                        value += '"';
                        i += 2;
                        continue;
                    }
                    ++i;
                    closed = true;
                    break;
                }
                value += line[i++];
            }
            if (!closed) {
                throw InputError(where(), "field " + std::to_string(fields_.size() + 1) + " opens a quote at '" +
                                              clip_for_message(line.substr(open), 40) +
                                              "' that does not close on this line (quoted fields are one line)");
            }
            while (i < line.size() && line[i] != ',')
                ++i;
            unquoted_.push_back(std::move(value));
            fields_.emplace_back(unquoted_.back());
        } else {
            const size_t start = i;
            while (i < line.size() && line[i] != ',')
                ++i;
            fields_.push_back(line.substr(start, i - start));
        }
        if (i >= line.size()) break;
        ++i;  // skip comma
        if (i == line.size()) {
            fields_.emplace_back();
            break;
        }
    }
}

std::optional<size_t> CsvReader::column(std::string_view name) const {
    for (size_t i = 0; i < header_.size(); ++i) {
        if (header_[i] == name) return i;
    }
    return std::nullopt;
}

size_t CsvReader::require_column(std::string_view name) const {
    if (auto c = column(name)) return *c;
    throw InputError(name_ + ":1", "missing column '" + clip_for_message(name) +
                                       "' (header has: " + clip_for_message(join(header_, ", ")) + ")");
}

bool CsvReader::next() {
    std::string_view line;
    while (read_line(line)) {
        if (trim(line).empty()) continue;
        split_fields(line);
        return true;
    }
    return false;
}

std::string_view CsvReader::field(size_t index) const {
    if (index >= fields_.size()) {
        throw InputError(where(), "row has " + std::to_string(fields_.size()) + " fields, expected at least " +
                                      std::to_string(index + 1) + " (header has " + std::to_string(header_.size()) +
                                      ")");
    }
    return trim(fields_[index]);
}

std::string CsvReader::where(std::string_view column_name) const {
    return where() + " column '" + std::string(column_name) + "'";
}

namespace {
std::string column_name_of(const std::vector<std::string>& header, size_t index) {
    return index < header.size() ? header[index] : "#" + std::to_string(index + 1);
}
}  // namespace

double CsvReader::get_double(size_t index) const {
    const auto text = field(index);
    const auto v = parse_double(text);
    if (!v) {
        throw InputError(where(column_name_of(header_, index)),
                         "bad number '" + clip_for_message(text) + "' (expected a decimal number)");
    }
    return *v;
}

int64_t CsvReader::get_int(size_t index) const {
    const auto text = field(index);
    auto v = parse_int(text);
    if (!v) {
        // Accept "12.0" style integers that some exporters write.
        const auto d = parse_double(text);
        // Only a whole double inside int64's range converts without undefined behaviour.
        constexpr double two_pow_63 = 9223372036854775808.0;
        if (d && *d >= -two_pow_63 && *d < two_pow_63 && *d == std::trunc(*d)) v = static_cast<int64_t>(*d);
    }
    if (!v) {
        throw InputError(where(column_name_of(header_, index)),
                         "bad integer '" + clip_for_message(text) + "' (expected a whole number)");
    }
    return *v;
}

double CsvReader::get_nonneg_double(size_t index) const {
    const double v = get_double(index);
    if (v < 0) {
        throw InputError(where(column_name_of(header_, index)),
                         "negative value '" + clip_for_message(field(index)) + "' (expected >= 0)");
    }
    return v;
}

int64_t CsvReader::get_nonneg_int(size_t index) const {
    const int64_t v = get_int(index);
    if (v < 0) {
        throw InputError(where(column_name_of(header_, index)),
                         "negative value '" + clip_for_message(field(index)) + "' (expected >= 0)");
    }
    return v;
}

double CsvReader::get_positive_double(size_t index) const {
    const double v = get_double(index);
    if (v <= 0) {
        throw InputError(where(column_name_of(header_, index)),
                         "non-positive value '" + clip_for_message(field(index)) + "' (expected > 0)");
    }
    return v;
}

}  // namespace llmsim
