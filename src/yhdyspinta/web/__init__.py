"""The shared web kernel: area scoping, the permission gate, generic create, edit and
history pages, the answer-page flow of rounds. Every app's views build on it."""
