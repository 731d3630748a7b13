"""Releases other teams can pin: the version from the contract, a reproducible build, a publish.

- `version`: `tox -e release -- bump` (a contract change's version, then regeneration) and
  `-- prepare` (a release's version since the last `client-vX.Y.Z` tag, regenerated, the
  CHANGELOG dated);
- `build`: `tox -e build`, the client's and the kit's wheel and sdist from one commit;
- `publish`: `tox -e publish -- --tag client-vX.Y.Z`, to the index named by the environment.
"""
