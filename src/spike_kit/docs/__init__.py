"""The contract as a page: `spike-kit docs` builds a static HTML reference of the spec.

A maintained renderer draws it (Redoc, through Redocly's CLI from npm, installed like Spectral
once per version); the kit only prepares a copy of the spec for it (`reference`), so that
what OpenAPI has no place for, the redirect back and the provider list, is on the page too,
and makes the page work offline (`redocly`). The spec itself is never edited for the
renderer.
"""
