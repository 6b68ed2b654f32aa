#pragma once
// Counter-based random bits (docs/NUMERICS.md, "Random bits"). Stateless, so the
// bits an element gets do not depend on the order in which anything visits it:
// every array size and dataflow of the hardware model draws the same bits.
#include <cstdint>

namespace qtsim::ref {

// Chris Wellons' "lowbias32" integer hash (public domain).
constexpr std::uint32_t lowbias32(std::uint32_t x) {
  x ^= x >> 16;
  x *= 0x7feb352dU;
  x ^= x >> 15;
  x *= 0x846ca68bU;
  x ^= x >> 16;
  return x;
}

constexpr std::uint32_t rand32(std::uint32_t seed, std::uint32_t stream, std::uint32_t index) {
  return lowbias32(index ^ lowbias32(stream ^ lowbias32(seed)));
}

// What a stream of random words is used for; part of the stream number.
enum class RandomPurpose : std::uint32_t {
  quantize_activation = 0,   // a node's output (A), or a float node's output entering an integer path
  quantize_error = 1,        // the error a node's backward pass sends to its input(s)
  quantize_gradient = 2,     // G, per parameter tensor
  quantize_update = 3,       // U, per parameter tensor
  quantize_momentum = 4,     // momentum buffer, per parameter tensor
  quantize_input = 5,        // the network input (images)
  shuffle = 6,               // epoch order of the training set
  init = 7,                  // parameter initialisation
  quantize_output_error = 8, // the error at a node's output: loss entry or a fan-out sum
};

// stream = lowbias32(lowbias32(step) ^ (tensor_id * 16 + purpose)).
// tensor_id is the node index in the network for activations/errors, and
// 4096 + parameter index for parameter tensors (see docs/NUMERICS.md).
constexpr std::uint32_t stream_id(std::uint32_t step, std::uint32_t tensor_id, RandomPurpose purpose) {
  return lowbias32(lowbias32(step) ^ (tensor_id * 16U + static_cast<std::uint32_t>(purpose)));
}

constexpr std::uint32_t kParameterTensorBase = 4096;

// A stream bound to a seed: what a quantizer needs to draw word `index`.
struct RandomStream {
  std::uint32_t seed = 0;
  std::uint32_t stream = 0;
  std::uint32_t word(std::uint64_t index) const {
    return rand32(seed, stream, static_cast<std::uint32_t>(index));
  }
  // rand32 = lowbias32(index ^ key()): the key is the same for every word of the stream.
  std::uint32_t key() const { return lowbias32(stream ^ lowbias32(seed)); }
};

}  // namespace qtsim::ref
