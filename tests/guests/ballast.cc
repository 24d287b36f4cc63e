// tests/guests/ballast.cc — 3 MiB of initialized data linked into `bigguest`, so that its image
// modules are large: the boot modules must all fit between the kernel image and the tables
// blob, which the compiler places at the top of kernel memory (big_images_test).
extern const unsigned char kBallast[3u << 20];
alignas(64) const unsigned char kBallast[3u << 20] = {1};
