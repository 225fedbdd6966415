#pragma once
// Minimal, fast CSV reader for trace and measurement files. Reports positions as "file:line" for typed errors.
// Handles quoted fields ("a,b" and doubled quotes), CRLF line endings and a UTF-8 BOM.
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace llmsim {

class CsvReader {
  public:
    // Reads the whole file; throws InputError("path", ...) when it cannot be opened or has no header.
    explicit CsvReader(std::string path);
    // For tests and embedded data: parse text that is already in memory; `name` is used in messages.
    CsvReader(std::string name, std::string text);

    [[nodiscard]] const std::vector<std::string>& header() const { return header_; }
    [[nodiscard]] std::optional<size_t> column(std::string_view name) const;
    // Throws InputError naming the file and the missing column, listing what the header has.
    [[nodiscard]] size_t require_column(std::string_view name) const;

    // Advances to the next non-empty data row; false at end of file.
    bool next();
    [[nodiscard]] const std::vector<std::string_view>& row() const { return fields_; }
    [[nodiscard]] std::string_view field(size_t index) const;
    [[nodiscard]] size_t line() const { return line_; }
    [[nodiscard]] std::string where() const { return name_ + ":" + std::to_string(line_); }
    [[nodiscard]] std::string where(std::string_view column_name) const;
    [[nodiscard]] const std::string& name() const { return name_; }

    // Typed field accessors that throw InputError("file:line", "column 'x': bad value 'y' (expected ...)").
    [[nodiscard]] double get_double(size_t index) const;
    [[nodiscard]] int64_t get_int(size_t index) const;
    [[nodiscard]] double get_nonneg_double(size_t index) const;
    [[nodiscard]] int64_t get_nonneg_int(size_t index) const;
    [[nodiscard]] double get_positive_double(size_t index) const;

  private:
    void parse_header();
    bool read_line(std::string_view& out);
    void split_fields(std::string_view line);

    std::string name_;
    std::string text_;
    size_t pos_ = 0;
    size_t line_ = 0;
    std::vector<std::string> header_;
    std::vector<std::string_view> fields_;
    std::deque<std::string> unquoted_;  // unescaped quoted fields; deque keeps views valid on push
};

}  // namespace llmsim
