#include "checked_json_builder.hpp"

#include "json_pointer_path.hpp"
#include "json_syntax_error.hpp"
#include "value_text.hpp"

namespace qtsim::input {

CheckedJsonBuilder::CheckedJsonBuilder(std::string_view text, std::string file, std::size_t max_depth)
    : text_(text), file_(std::move(file)), max_depth_(max_depth) {}

nlohmann::json* CheckedJsonBuilder::place(nlohmann::json&& value) {
  if (open_.empty()) {
    document_ = std::move(value);
    return &document_;
  }
  nlohmann::json& container = *open_.back().value;
  if (container.is_array()) {
    container.push_back(std::move(value));
    return &container.back();
  }
  *field_slot_ = std::move(value);
  return field_slot_;
}

std::string CheckedJsonBuilder::pointer_of_next_value() const {
  if (open_.empty()) return "";
  const OpenContainer& parent = open_.back();
  if (parent.value->is_array()) return pointer_to_item(parent.pointer, parent.value->size());
  return pointer_to_field(parent.pointer, field_name_);
}

bool CheckedJsonBuilder::fail(std::string pointer, std::string expected, std::string found, std::string hint) {
  failure_ = Diagnostic{file_, std::move(pointer), std::move(expected), std::move(found), std::move(hint)};
  return false;
}

bool CheckedJsonBuilder::open(nlohmann::json&& empty_container) {
  std::string pointer = pointer_of_next_value();
  if (open_.size() >= max_depth_) {
    return fail(std::move(pointer),
                "at most " + std::to_string(max_depth_) + " levels of nested objects and arrays",
                "more than " + std::to_string(max_depth_) + " levels");
  }
  nlohmann::json* container = place(std::move(empty_container));
  open_.push_back({container, std::move(pointer)});
  return true;
}

bool CheckedJsonBuilder::null() { return place(nullptr) != nullptr; }
bool CheckedJsonBuilder::boolean(bool value) { return place(value) != nullptr; }
bool CheckedJsonBuilder::number_integer(number_integer_t value) { return place(value) != nullptr; }
bool CheckedJsonBuilder::number_unsigned(number_unsigned_t value) { return place(value) != nullptr; }
bool CheckedJsonBuilder::number_float(number_float_t value, const string_t&) { return place(value) != nullptr; }
bool CheckedJsonBuilder::string(string_t& value) { return place(std::move(value)) != nullptr; }
bool CheckedJsonBuilder::binary(binary_t&) {
  // The text parser never produces binary values.
  return fail("", "JSON text", "binary data");
}

bool CheckedJsonBuilder::start_object(std::size_t) { return open(nlohmann::json::object()); }
bool CheckedJsonBuilder::start_array(std::size_t) { return open(nlohmann::json::array()); }

bool CheckedJsonBuilder::end_object() {
  open_.pop_back();
  return true;
}

bool CheckedJsonBuilder::end_array() {
  open_.pop_back();
  return true;
}

bool CheckedJsonBuilder::key(string_t& name) {
  OpenContainer& object = open_.back();
  if (object.value->contains(name)) {
    // nlohmann::json::parse would keep the last value without a word; a
    // duplicate is almost always an edit gone wrong, so refuse it.
    return fail(pointer_to_field(object.pointer, name), "each field at most once in an object",
                "a second field " + compact_value(nlohmann::json(name)), "remove one of the two");
  }
  field_slot_ = &(*object.value)[name];
  field_name_ = std::move(name);
  return true;
}

bool CheckedJsonBuilder::parse_error(std::size_t position, const std::string& last_token,
                                     const nlohmann::detail::exception& error) {
  std::string open_container;
  if (!open_.empty()) {
    const OpenContainer& innermost = open_.back();
    const char* kind = innermost.value->is_array() ? "array" : "object";
    open_container = innermost.pointer.empty() ? std::string("the top-level ") + kind
                                               : std::string("the ") + kind + " at " + innermost.pointer;
  }
  failure_ = describe_syntax_error({text_, file_, position, last_token, std::move(open_container)}, error);
  return false;
}

}  // namespace qtsim::input
