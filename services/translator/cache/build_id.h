// The identity of this translator build, part of every cache key: the
// linker's GNU build-id of the running binary (a hash of its contents; read
// from memory, so free at start-up), else the content hash of the file. A rebuilt or upgraded
// translator (different generated code, even where kTranslatorAbi was not bumped) never finds the
// entries of another build.
#ifndef DBT_SERVICES_TRANSLATOR_CACHE_BUILD_ID_H_
#define DBT_SERVICES_TRANSLATOR_CACHE_BUILD_ID_H_

#include <cstdint>
#include <string>

namespace dbt::translator {

// XXH3 of the build-id note, else of /proc/self/exe; computed once (0 if
// neither can be read: then no entry is stored or loaded).
uint64_t TranslatorBuildId();

// What TranslatorBuildId() answers in the translator binary at `path`,
// read from its file (its program headers and notes, not all of it); 0 if
// it cannot be read. dbt run uses it to name the translator's preload
// images without starting it.
uint64_t BuildIdOfFile(const std::string& path);

}  // namespace dbt::translator

#endif  // DBT_SERVICES_TRANSLATOR_CACHE_BUILD_ID_H_
