import pytest

from mlcourse.pointer import capstone_pointer


def test_a_missing_capstone_or_a_stub_prints_a_note(capsys):
    with capstone_pointer("capstone.nowhere"):
        import capstone.no_such_module  # noqa: F401
    with capstone_pointer("capstone.monitor.psi"):
        raise NotImplementedError("Milestone 7 (Monitor): write psi")
    out = capsys.readouterr().out
    assert "capstone.nowhere: the capstone package is not part of this copy" in out
    assert "capstone.monitor.psi is yours to write in the capstone (Milestone 7" in out


def test_every_other_error_propagates():
    with pytest.raises(ModuleNotFoundError), capstone_pointer("x"):
        import no_such_package_anywhere  # noqa: F401
    with pytest.raises(ValueError, match="real bug"), capstone_pointer("x"):
        raise ValueError("real bug")


def test_a_working_block_runs_whole(capsys):
    seen = []
    with capstone_pointer("capstone.config"):
        from capstone.config import Settings

        seen.append(Settings)
    assert seen and capsys.readouterr().out == ""
