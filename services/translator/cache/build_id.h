// The identity of this translator build, part of every cache key: the
// content hash of the running binary. A rebuilt or upgraded translator
// (different generated code, even where kTranslatorAbi was not bumped)
// never finds the entries of another build.
#ifndef DBT_SERVICES_TRANSLATOR_CACHE_BUILD_ID_H_
#define DBT_SERVICES_TRANSLATOR_CACHE_BUILD_ID_H_

#include <cstdint>

namespace dbt::translator {

// XXH3 of /proc/self/exe, computed once (0 if it cannot be read: then no
// entry is stored or loaded).
uint64_t TranslatorBuildId();

}  // namespace dbt::translator

#endif  // DBT_SERVICES_TRANSLATOR_CACHE_BUILD_ID_H_
