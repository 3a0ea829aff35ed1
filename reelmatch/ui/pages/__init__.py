"""The pages: one module each, with `render(services, user)`.

A page reads its inputs, calls the services and composes view pieces (`reelmatch/ui/*_view.py`,
`cards`, `browse`). The shell registers it under its route (`reelmatch/ui/routing.py`) and
runs it through `frame.show_page`; a page never looks services up and never imports another
page (import-linter holds both). How to add one: docs/decisions.md.
"""
