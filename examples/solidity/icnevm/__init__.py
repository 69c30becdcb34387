"""Drive the ICN Solidity port (examples/solidity/contracts) in an in-process EVM as a conformance driver.

- :mod:`icnevm.build`: compile the contracts with the pinned solc (npm), cached by source hash;
- :mod:`icnevm.abi`: the small ABI codec the driver needs (static types only) and keccak-256;
- :mod:`icnevm.mapping`: read ``mapping.toml`` (operation -> calls, error -> reason, event -> event,
  field -> view) and check it against the compiled ABIs;
- :mod:`icnevm.driver`: :class:`~icnevm.driver.EvmDriver`, the Python driver API of the conformance kit
  (``reset`` / ``apply`` / ``project``) over revm (PyPI ``pyrevm``);
- :mod:`icnevm.bugs`: seeded Solidity bugs, applied as source patches to a copy of the contracts.

``examples/solidity/adapter.py`` serves the driver over the JSON-lines adapter protocol.
"""
