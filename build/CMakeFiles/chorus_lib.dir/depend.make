# Empty dependencies file for chorus_lib.
# This may be replaced when dependencies are built.
