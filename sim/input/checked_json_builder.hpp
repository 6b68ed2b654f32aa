#pragma once
// A SAX handler for nlohmann's parser that builds the document like
// nlohmann::json::parse would, but also refuses what parse accepts silently:
// a field given twice in one object (parse keeps the last one) and nesting
// deeper than a limit. The first problem stops parsing and is kept as a
// Diagnostic.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "diagnostic.hpp"

namespace qtsim::input {

class CheckedJsonBuilder : public nlohmann::json_sax<nlohmann::json> {
 public:
  CheckedJsonBuilder(std::string_view text, std::string file, std::size_t max_depth);

  // The document, complete when parsing succeeded.
  nlohmann::json& document() { return document_; }
  // Why parsing stopped, if it did.
  const std::optional<Diagnostic>& failure() const { return failure_; }

  bool null() override;
  bool boolean(bool value) override;
  bool number_integer(number_integer_t value) override;
  bool number_unsigned(number_unsigned_t value) override;
  bool number_float(number_float_t value, const string_t& text) override;
  bool string(string_t& value) override;
  bool binary(binary_t& value) override;
  bool start_object(std::size_t elements) override;
  bool key(string_t& name) override;
  bool end_object() override;
  bool start_array(std::size_t elements) override;
  bool end_array() override;
  bool parse_error(std::size_t position, const std::string& last_token,
                   const nlohmann::detail::exception& error) override;

 private:
  struct OpenContainer {
    nlohmann::json* value;
    std::string pointer;  // where it is in the document
  };

  // Stores a finished value where the parser is: the root, the next array
  // item, or the field named by the last key.
  nlohmann::json* place(nlohmann::json&& value);
  // JSON pointer of the value about to be placed.
  std::string pointer_of_next_value() const;
  bool open(nlohmann::json&& empty_container);
  bool fail(std::string pointer, std::string expected, std::string found, std::string hint = {});

  std::string_view text_;
  std::string file_;
  std::size_t max_depth_;
  nlohmann::json document_;
  std::vector<OpenContainer> open_;
  nlohmann::json* field_slot_ = nullptr;  // set by key(), filled by the value that follows
  std::string field_name_;
  std::optional<Diagnostic> failure_;
};

}  // namespace qtsim::input
