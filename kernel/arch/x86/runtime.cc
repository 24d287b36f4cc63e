// kernel/arch/x86/runtime.cc — what a freestanding C++ image needs from a runtime, and no more.
//
// The compiler may emit calls to memcpy/memset/memmove/memcmp even with -ffreestanding; these
// implement them with the string instructions (no SSE: the kernel is built -mgeneral-regs-only).
#include <stddef.h>
#include <stdint.h>

#include "kernel/lib/panic.h"

extern "C" {

void* memcpy(void* dst, const void* src, size_t n) {
  void* d = dst;
  asm volatile("rep movsb" : "+D"(d), "+S"(src), "+c"(n) : : "memory");
  return dst;
}

void* memset(void* dst, int value, size_t n) {
  void* d = dst;
  asm volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(value) : "memory");
  return dst;
}

void* memmove(void* dst, const void* src, size_t n) {
  auto* d = static_cast<uint8_t*>(dst);
  const auto* s = static_cast<const uint8_t*>(src);
  if (d <= s || d >= s + n) return memcpy(dst, src, n);
  // Overlapping with dst above src: copy backwards.
  const uint8_t* s_end = s + n - 1;
  uint8_t* d_end = d + n - 1;
  asm volatile("std; rep movsb; cld" : "+D"(d_end), "+S"(s_end), "+c"(n) : : "memory");
  return dst;
}

int memcmp(const void* a, const void* b, size_t n) {
  const auto* x = static_cast<const uint8_t*>(a);
  const auto* y = static_cast<const uint8_t*>(b);
  for (size_t i = 0; i < n; ++i) {
    if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
  }
  return 0;
}

// A pure virtual call is a kernel bug.
void __cxa_pure_virtual() { SEPTUM_PANIC("pure virtual function called"); }

// The kernel never exits, so destructors of static objects are never run.
int __cxa_atexit(void (*)(void*), void*, void*) { return 0; }
void* __dso_handle = nullptr;

}  // extern "C"
