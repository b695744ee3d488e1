"""The public API: a small, sorted ``jmgeo.__all__``, each entry documented with an example that runs."""

import inspect

import pytest

import jmgeo

PUBLIC = [name for name in jmgeo.__all__ if name != "__version__"]


def test_all_is_sorted_and_every_name_resolves():
    assert jmgeo.__all__ == sorted(jmgeo.__all__)
    for name in jmgeo.__all__:
        assert getattr(jmgeo, name) is not None, name


@pytest.mark.parametrize("name", PUBLIC)
def test_every_public_name_has_a_docstring_with_an_example(name):
    """``pytest --doctest-modules`` runs these examples; here each public name must have one."""
    doc = inspect.getdoc(getattr(jmgeo, name)) or ""
    assert doc.splitlines()[0].strip(), f"{name} has no one-line summary"
    assert "Examples\n--------" in doc and ">>> " in doc, f"{name} has no Examples section"


@pytest.mark.parametrize("name", [n for n in PUBLIC if inspect.isclass(getattr(jmgeo, n))])
def test_every_public_error_derives_from_one_base_and_ends_in_error(name):
    cls = getattr(jmgeo, name)
    if issubclass(cls, BaseException):
        assert issubclass(cls, jmgeo.JmgeoError) and name.endswith("Error"), name


def test_internal_modules_are_private():
    """Modules other than the command line are implementation: named ``_name``, reached through ``jmgeo``."""
    import pkgutil

    public = [m.name for m in pkgutil.iter_modules(jmgeo.__path__) if not m.name.startswith("_")]
    assert public == ["cli"], public
