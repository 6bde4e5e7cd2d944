/*
 * Makes TorchSharp's native library load on systems whose libstdc++ predates GLIBCXX_3.4.32 (Debian 12).
 *
 *   libtorchsharp_fix check                 exit 0 if the system libstdc++ has GLIBCXX_3.4.32, 3 if not
 *   libtorchsharp_fix patch LIBRARY          mark LIBRARY's need for GLIBCXX_3.4.32 weak (idempotent)
 *   libtorchsharp_fix status LIBRARY         print "weak", "strong" or "absent" for that need
 *
 * The patch sets VER_FLG_WEAK on the matching Vernaux entry of .gnu.version_r, so the dynamic linker no longer
 * refuses the library for a missing version; the one symbol behind that version is supplied by glibcxx_shim.c.
 * Only ELF64 little-endian files are handled; anything else is reported and left untouched.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *wanted = "GLIBCXX_3.4.32";

static int check_system(void) {
    void *h = dlopen("libstdc++.so.6", RTLD_NOW | RTLD_LOCAL);
    if (!h) { fprintf(stderr, "libtorchsharp_fix: cannot open libstdc++.so.6: %s\n", dlerror()); return 2; }
    void *s = dlvsym(h, "_ZSt21ios_base_library_initv", wanted);
    return s ? 0 : 3;
}

/* Returns a pointer to vna_flags of the wanted Vernaux entry, NULL when absent; *err set on malformed files. */
static Elf64_Half *find_flags(unsigned char *data, size_t size, int *err) {
    *err = 0;
    if (size < sizeof(Elf64_Ehdr) || memcmp(data, ELFMAG, SELFMAG) != 0 ||
        data[EI_CLASS] != ELFCLASS64 || data[EI_DATA] != ELFDATA2LSB) { *err = 1; return NULL; }
    Elf64_Ehdr *eh = (Elf64_Ehdr *)data;
    if (eh->e_shoff == 0 || eh->e_shoff + (size_t)eh->e_shnum * sizeof(Elf64_Shdr) > size) { *err = 1; return NULL; }
    Elf64_Shdr *sh = (Elf64_Shdr *)(data + eh->e_shoff);
    for (int i = 0; i < eh->e_shnum; i++) {
        if (sh[i].sh_type != SHT_GNU_verneed) continue;
        if (sh[i].sh_link >= eh->e_shnum) { *err = 1; return NULL; }
        Elf64_Shdr *strtab = &sh[sh[i].sh_link];
        size_t off = sh[i].sh_offset;
        for (Elf64_Word n = 0; n < sh[i].sh_info; n++) {
            if (off + sizeof(Elf64_Verneed) > size) { *err = 1; return NULL; }
            Elf64_Verneed *vn = (Elf64_Verneed *)(data + off);
            size_t aoff = off + vn->vn_aux;
            for (Elf64_Half a = 0; a < vn->vn_cnt; a++) {
                if (aoff + sizeof(Elf64_Vernaux) > size) { *err = 1; return NULL; }
                Elf64_Vernaux *va = (Elf64_Vernaux *)(data + aoff);
                size_t name = strtab->sh_offset + va->vna_name;
                if (name < size && strncmp((char *)data + name, wanted, size - name) == 0) return &va->vna_flags;
                if (va->vna_next == 0) break;
                aoff += va->vna_next;
            }
            if (vn->vn_next == 0) break;
            off += vn->vn_next;
        }
    }
    return NULL;
}

static int with_library(const char *path, int patch) {
    FILE *f = fopen(path, "rb");
    if (!f) { fprintf(stderr, "libtorchsharp_fix: cannot open %s\n", path); return 2; }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *data = malloc((size_t)size);
    if (!data || fread(data, 1, (size_t)size, f) != (size_t)size) { fclose(f); free(data); fprintf(stderr, "libtorchsharp_fix: cannot read %s\n", path); return 2; }
    fclose(f);
    int err;
    Elf64_Half *flags = find_flags(data, (size_t)size, &err);
    if (err) { free(data); fprintf(stderr, "libtorchsharp_fix: %s is not an ELF64 little-endian library\n", path); return 2; }
    if (!flags) { free(data); puts("absent"); return 0; }
    if (!patch) { puts((*flags & VER_FLG_WEAK) ? "weak" : "strong"); free(data); return 0; }
    if (*flags & VER_FLG_WEAK) { free(data); puts("weak (already)"); return 0; }
    *flags |= VER_FLG_WEAK;
    /* Write beside the original, then rename, so an interrupted build never leaves a half-written library. */
    size_t len = strlen(path);
    char *tmp = malloc(len + 8);
    snprintf(tmp, len + 8, "%s.patch", path);
    FILE *o = fopen(tmp, "wb");
    int ok = o && fwrite(data, 1, (size_t)size, o) == (size_t)size;
    if (o) ok = (fclose(o) == 0) && ok;
    free(data);
    if (!ok || rename(tmp, path) != 0) { remove(tmp); free(tmp); fprintf(stderr, "libtorchsharp_fix: cannot write %s\n", path); return 2; }
    free(tmp);
    puts("weak (patched)");
    return 0;
}

int main(int argc, char **argv) {
    if (argc == 2 && strcmp(argv[1], "check") == 0) return check_system();
    if (argc == 3 && strcmp(argv[1], "patch") == 0) return with_library(argv[2], 1);
    if (argc == 3 && strcmp(argv[1], "status") == 0) return with_library(argv[2], 0);
    fprintf(stderr, "usage: libtorchsharp_fix check | patch LIBRARY | status LIBRARY\n");
    return 64;
}
