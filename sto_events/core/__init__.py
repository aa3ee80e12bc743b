"""The shared layer every domain stands on: settings, extensions, types, errors, templating, page cache."""
