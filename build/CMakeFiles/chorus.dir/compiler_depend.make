# Empty compiler generated dependencies file for chorus.
# This may be replaced when dependencies are built.
