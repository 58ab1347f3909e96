"""`smsgen release` and git: a release is built from committed data and records the commit; uncommitted data or
control records refuse it, unless `--commit` commits them (and the release record after it). A released version
offers each page's DOCX and PDF, and its sitemap lists its pages when the data says where the site is served."""
from __future__ import annotations

import io
import json
import subprocess
import tarfile

import pytest
import yaml

from generator.checks.assess import assess as run
from generator.publish.versions import BRANCH

from ..conftest import clone_workspace, edit, smsgen

NOW = "2026-11-02T09:00:00+00:00"
SITE = "https://sms.example.com/docs"


def git(ws, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=ws.root, capture_output=True, text=True, check=True).stdout


def top_management(ws) -> str:
    return run(ws).org.function["top_management"].holders[0].id


@pytest.fixture
def copy(approved, tmp_path, monkeypatch):
    monkeypatch.setenv("SMSGEN_NOW", NOW)
    for name, value in (("NAME", "t"), ("EMAIL", "t@example.com")):
        monkeypatch.setenv(f"GIT_AUTHOR_{name}", value)
        monkeypatch.setenv(f"GIT_COMMITTER_{name}", value)
    return clone_workspace(approved, tmp_path / "ws")


def test_release_refuses_uncommitted_data(copy, capsys):
    git(copy, "init", "--quiet")
    git(copy, "add", "--all")
    git(copy, "commit", "--quiet", "-m", "the SMS")
    edit(copy.root / "data" / "organisation.yml", "organisation:", "# edited\norganisation:")
    assert smsgen(copy, "release", "1.0", "--by", top_management(copy)) == 2
    err = capsys.readouterr().err
    assert "uncommitted" in err and "data/organisation.yml" in err and "--commit" in err, err
    assert subprocess.run(["git", "rev-parse", "--verify", "--quiet", BRANCH], cwd=copy.root).returncode != 0
    assert "releases" not in yaml.safe_load(copy.register_file.read_text(encoding="utf-8")) or \
        not yaml.safe_load(copy.register_file.read_text(encoding="utf-8"))["releases"]


def test_release_with_commit_records_the_source_commit_downloads_and_sitemap(copy, capsys, tmp_path):
    edit(copy.root / "data" / "organisation.yml", "  website:", f"  site_url: {SITE}\n  website:")
    # not yet a repository: --commit makes one and commits the sources, naming the release
    assert smsgen(copy, "release", "1.0", "--by", top_management(copy), "--commit") == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    log = git(copy, "log", "--format=%H %s", "HEAD").splitlines()
    assert [line.split(" ", 1)[1] for line in log] == ["Record release 1.0 of the SMS site",
                                                       "Sources of release 1.0 of the SMS site"]
    source = log[1].split()[0]
    register = yaml.safe_load(copy.register_file.read_text(encoding="utf-8"))
    assert register["releases"][-1]["source"] == source
    assert source[:12] in out and "committed the record of release 1.0" in out
    assert source in git(copy, "log", "-1", "--format=%B", BRANCH)
    assert not git(copy, "status", "--porcelain", "--", "data", "control", ":(exclude)control/.lock")
    assert smsgen(copy, "verify") == 0   # the audit log explains the release, and names its source commit
    logged = [json.loads(line) for line in copy.audit_file.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert logged[-1]["action"] == "release" and logged[-1]["source"] == source
    # the released version: every page's DOCX and PDF, and a sitemap of its pages under site_url
    archive = subprocess.run(["git", "archive", "--format=tar", BRANCH], cwd=copy.root, capture_output=True,
                             check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        names = tar.getnames()
        sitemap = tar.extractfile("1.0/sitemap.xml").read().decode()  # type: ignore[union-attr]
    documents = register["releases"][-1]["documents"]
    for fmt in ("docx", "pdf"):
        assert {f"1.0/downloads/{fmt}/{doc}.{fmt}" for doc in documents} <= set(names), fmt
    assert f"<loc>{SITE}/1.0/</loc>" in sitemap and sitemap.count("<loc>") > len(documents)


def test_site_url_is_http_or_https_only(copy, capsys):
    edit(copy.root / "data" / "organisation.yml", "  website:", "  site_url: javascript:alert(1)\n  website:")
    assert smsgen(copy, "check") != 0
    assert "site_url" in capsys.readouterr().err
