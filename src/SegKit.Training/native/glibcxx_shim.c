/*
 * Stand-in for std::ios_base_library_init(), which GCC 13 objects reference only to force iostream
 * initialisation and which libstdc++ exports from GLIBCXX_3.4.32 on. Older libstdc++ (Debian 12: GCC 12)
 * initialises iostreams anyway, so a no-op is enough. Loaded with RTLD_GLOBAL before TorchSharp's native
 * library, whose reference to the symbol the build has marked weak (see libtorchsharp_fix.c).
 */
void _ZSt21ios_base_library_initv(void) {}
