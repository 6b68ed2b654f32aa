#pragma once
// Reading an input file whole, after checking what is at the path: a missing
// file (with a did-you-mean for a similar name in the same folder), a folder,
// a device or pipe, an unreadable file and a file over the size limit are each
// an InputError naming the file. JSON files and ONNX models are read this way.
#include <cstdint>
#include <string>

namespace qtsim::input {

// `kind` says what the file should be, for the messages: "a JSON file".
std::string read_input_file(const std::string& path, std::uintmax_t max_bytes, const std::string& kind);

// Throws the InputError for `size` bytes over the limit: "expected a file of at
// most 64 MiB, found a file of 70.5 MiB".
[[noreturn]] void fail_too_large(const std::string& file, std::uintmax_t size, std::uintmax_t max_bytes);

}  // namespace qtsim::input
