file(REMOVE_RECURSE
  "CMakeFiles/chorus.dir/src/cli/main.c.o"
  "CMakeFiles/chorus.dir/src/cli/main.c.o.d"
  "chorus"
  "chorus.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/chorus.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
