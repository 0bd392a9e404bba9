// result<T, E>: a value or an error code, [[nodiscard]]. Each layer has its own
// `enum class errc` and returns result<T, errc>; errors are translated to Kafka error
// codes once, in the request handler. (GCC 12 in C++20 mode has no std::expected.)
#pragma once

#include <type_traits>
#include <utility>
#include <variant>

#include "ringtail/base/assert.h"

namespace ringtail {

template <typename E>
struct unexpected {
  E error;
};
template <typename E>
unexpected(E) -> unexpected<E>;

template <typename T, typename E>
class [[nodiscard]] result {
 public:
  using value_type = T;
  using error_type = E;

  template <typename U = T>
    requires std::is_constructible_v<T, U&&>
  result(U&& value) : v_(std::in_place_index<0>, std::forward<U>(value)) {}  // NOLINT
  result(unexpected<E> e) : v_(std::in_place_index<1>, e.error) {}             // NOLINT

  bool has_value() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return has_value(); }

  T& value() & {
    RT_ASSERT(has_value(), "result::value() on an error");
    return std::get<0>(v_);
  }
  const T& value() const& {
    RT_ASSERT(has_value(), "result::value() on an error");
    return std::get<0>(v_);
  }
  T&& value() && {
    RT_ASSERT(has_value(), "result::value() on an error");
    return std::get<0>(std::move(v_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  E error() const {
    RT_ASSERT(!has_value(), "result::error() on a value");
    return std::get<1>(v_);
  }

 private:
  std::variant<T, E> v_;
};

// result<void, E>
template <typename E>
class [[nodiscard]] result<void, E> {
 public:
  result() = default;
  result(unexpected<E> e) : ok_(false), e_(e.error) {}  // NOLINT
  bool has_value() const noexcept { return ok_; }
  explicit operator bool() const noexcept { return ok_; }
  void value() const { RT_ASSERT(ok_, "result::value() on an error"); }
  E error() const {
    RT_ASSERT(!ok_, "result::error() on a value");
    return e_;
  }

 private:
  bool ok_ = true;
  E e_{};
};

}  // namespace ringtail

// RT_TRY(expr): evaluate a result-returning expression; return its error upward.
#define RT_TRY(expr)                                         \
  do {                                                       \
    auto rt_try_r_ = (expr);                                 \
    if (!rt_try_r_) return ::ringtail::unexpected{rt_try_r_.error()}; \
  } while (0)
