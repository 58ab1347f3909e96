"""Shell completion: `smsgen completion bash|zsh` prints a script made from the command line's own parser, and the
hidden `smsgen _complete people|documents` gives it the workspace's person ids and document IDs quickly: it reads
data/people.yml and the list of generated pages, and renders nothing."""
from __future__ import annotations

import argparse
from pathlib import Path

import yaml

from generator.base.findings import EXIT_OK
from generator.base.workspace import Workspace
from generator.cli.parser import parser

PERSON = "PERSON"        # the metavar of every option that takes a person id
DOCUMENT = "ID"          # the metavar of the document IDs lifecycle commands and status take
DIRECTORY_METAVARS = {"DIR"}
FILE_METAVARS = {"FILE"}


def people(ws: Workspace) -> list[str]:
    """The person ids of data/people.yml, or none when it cannot be read (completion never fails loudly)."""
    try:
        data = yaml.safe_load((ws.data_dir / "people.yml").read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError, UnicodeDecodeError):
        return []
    entries = data.get("people") if isinstance(data, dict) else None
    return sorted({str(p["id"]) for p in entries or [] if isinstance(p, dict) and p.get("id")})


def documents(ws: Workspace) -> list[str]:
    """The IDs of the documents the last build wrote: its pages in a section folder, named by ID."""
    try:
        names = ws.pages_manifest.read_text(encoding="utf-8").split()
    except (OSError, UnicodeDecodeError):
        return []
    # a document's "changes from revision N" page (ID-changes.md) sits beside it but is no document
    return sorted({Path(n).stem for n in names if n.endswith(".md") and "/" in n and Path(n).stem != "index"
                   and not n.endswith("-changes.md")})


def complete(ws: Workspace, args: argparse.Namespace) -> int:
    words = people(ws) if args.what == "people" else documents(ws)
    for word in words:
        print(word)
    return EXIT_OK


def completion(ws: Workspace, args: argparse.Namespace) -> int:
    print(script(args.shell))
    return EXIT_OK


def _subcommands(p: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in p._actions:
        if isinstance(action, argparse._SubParsersAction):
            return {name: sub for name, sub in action.choices.items() if not name.startswith("_")}
    return {}


def _quote(words: list[str]) -> str:
    return " ".join(words)


def script(shell: str) -> str:
    """The completion script, made from the parser so that it always knows every command and option."""
    p = parser()
    commands = _subcommands(p)
    cases, people_slots, file_slots, dir_slots, text_slots, choice_slots = [], [], [], [], [], []
    for name, sub in commands.items():
        options: list[str] = []
        documents_, words = False, []
        for action in sub._actions:
            if action.option_strings:
                options += action.option_strings
                if action.nargs == 0:
                    continue
                slot = "|".join(f'"{name} {flag}"' for flag in action.option_strings)
                if action.metavar == PERSON:
                    people_slots.append(slot)
                elif action.choices:
                    choice_slots.append(f'{slot}) words="{_quote([str(c) for c in action.choices])}";;')
                elif action.metavar in DIRECTORY_METAVARS:
                    dir_slots.append(slot)
                elif action.metavar in FILE_METAVARS:
                    file_slots.append(slot)
                else:   # free text (a comment, a date, a type): nothing to offer
                    text_slots.append(slot)
            elif action.metavar == DOCUMENT:
                documents_ = True
            elif action.choices:
                words += [str(c) for c in action.choices]
        cases.append(f'        {name}) opts="{_quote(options)}"; docs={int(documents_)}; words="{_quote(words)}";;')
    body = f'''_smsgen() {{
    local cur="${{COMP_WORDS[COMP_CWORD]}}" prev="${{COMP_WORDS[COMP_CWORD-1]}}"
    local exe="${{COMP_WORDS[0]}}" ws=. cmd= i opts= docs=0 words=
    for ((i = 1; i < COMP_CWORD; i++)); do
        case "${{COMP_WORDS[i]}}" in
            -C|--workspace) [[ -z $cmd ]] && ws="${{COMP_WORDS[i+1]}}" && ((i++));;
            -*) ;;
            *) [[ -z $cmd ]] && cmd="${{COMP_WORDS[i]}}";;
        esac
    done
    if [[ -z $cmd ]]; then
        case "$prev" in
            -C|--workspace) COMPREPLY=($(compgen -d -- "$cur")); return;;
        esac
        COMPREPLY=($(compgen -W "-C --workspace -h --help {_quote(list(commands))}" -- "$cur"))
        return
    fi
    case "$cmd $prev" in
        {"|".join(people_slots) or '"-"'})
            COMPREPLY=($(compgen -W "$("$exe" -C "$ws" _complete people 2>/dev/null)" -- "$cur")); return;;
        {"|".join(dir_slots) or '"-"'}) COMPREPLY=($(compgen -d -- "$cur")); return;;
        {"|".join(file_slots) or '"-"'}) COMPREPLY=($(compgen -f -- "$cur")); return;;
        {"|".join(text_slots) or '"-"'}) COMPREPLY=(); return;;
    esac
    case "$cmd $prev" in
{chr(10).join("        " + c for c in choice_slots)}
    esac
    if [[ -n $words && $prev == --* && $cur != -* ]]; then
        COMPREPLY=($(compgen -W "$words" -- "$cur")); return
    fi
    case "$cmd" in
{chr(10).join(cases)}
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
    elif [[ $docs == 1 ]]; then
        COMPREPLY=($(compgen -W "$("$exe" -C "$ws" _complete documents 2>/dev/null)" -- "$cur"))
    elif [[ -n $words ]]; then
        COMPREPLY=($(compgen -W "$words" -- "$cur"))
    else
        COMPREPLY=($(compgen -f -- "$cur"))
    fi
}}
complete -F _smsgen smsgen'''
    if shell == "zsh":
        return ("# smsgen completion for zsh: add `eval \"$(smsgen completion zsh)\"` to ~/.zshrc\n"
                "autoload -U +X bashcompinit && bashcompinit\n" + body)
    return "# smsgen completion for bash: add `eval \"$(smsgen completion bash)\"` to ~/.bashrc\n" + body
