"""``xxgk-audit review PATH [--prior PATH]... [--store FILE] [--format text|json]
[--set FINGERPRINT VERDICT | --rule RULE_ID VERDICT] [--comment TEXT] [--auditor NAME] [--history]``.

Lists the findings of one report with their verdicts from the review store, changes them (one
finding by fingerprint, or every finding of a rule in that report) and lists the history. The
report is read and audited once; exit status as ``check`` (errors marked 不是问题 do not count),
2 for a usage error, an unreadable report or an unreadable store (the store is left as it was).
"""

from __future__ import annotations

import json
import sys

from .exitcodes import EXIT_ERRORS, EXIT_OK, EXIT_UNREADABLE
from .findings import SEVERITY_LABELS
from .review import VERDICTS, ReportReview, ReviewStore, StoreError, parse_verdict, store_path


class UsageError(ValueError):
    """A bad argument: printed as one line, exit status 2."""


def open_store(args) -> ReviewStore | None:
    """The review store of a command (``--store``, else the default), its one-time messages shown;
    None, after one line naming the file, when it cannot be read."""
    try:
        store = ReviewStore(store_path(getattr(args, "store", None)))
    except StoreError as exc:
        print(f"{exc.path}: {exc.reason}", file=sys.stderr)
        return None
    for message in store.messages:
        print(message, file=sys.stderr)
    return store


def cmd_review(args) -> int:
    from .engine import audit, tool_info
    from .loading import load_all, pair_priors

    try:
        verdict, targets_rule = _change_arguments(args)
    except UsageError as exc:
        print(f"xxgk-audit review: 参数错误：{exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    reports, failures = load_all(args.paths, args.debug)
    if not reports:
        return EXIT_UNREADABLE
    priors, _ = load_all(args.prior or [], args.debug)
    report = reports[0]
    result = audit(report, pair_priors(report, priors))
    store = open_store(args)
    if store is None:
        return EXIT_UNREADABLE
    with store:
        try:
            review = ReportReview.of(store, result)
            if verdict is not None or args.comment is not None:
                try:
                    chosen = _chosen(result, args, targets_rule)
                except UsageError as exc:
                    print(f"xxgk-audit review: 参数错误：{exc}", file=sys.stderr)
                    return EXIT_UNREADABLE
                if chosen:
                    review.see()
                    before = {f.fingerprint: review.get(f) for f in chosen}
                    after = review.set_many(chosen, verdict, args.comment, auditor=args.auditor, origin="cli")
                    changed = sum(1 for fp, v in after.items() if v != before[fp])
                    print(f"已修改 {changed} 项审核意见（{review.identity.label}）→ {store.path}", file=sys.stderr)
                else:
                    print(f"报告中没有规则 {targets_rule} 的问题，未作修改", file=sys.stderr)
            elif store.exists:
                review.see()
            history = review.history() if args.history else None
            followups = review.followups() if args.history else None
        except StoreError as exc:
            print(f"{exc.path}: {exc.reason}", file=sys.stderr)
            return EXIT_UNREADABLE
        if args.format == "json":
            sys.stdout.write(json.dumps(review_json(result, review, history, tool_info(), followups), ensure_ascii=False, indent=2) + "\n")
        else:
            sys.stdout.write(review_text(result, review, history, followups))
        return EXIT_ERRORS if review.open_errors() else EXIT_OK


def _change_arguments(args) -> tuple[str | None, str | None]:
    """(verdict key or None, rule id of --rule or None); usage errors raised."""
    if args.comment is not None and not (args.set or args.rule):
        raise UsageError("--comment 需要与 --set 或 --rule 一起使用")
    given = args.set or args.rule
    if not given:
        return None, None
    try:
        verdict = parse_verdict(given[1])
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if args.rule:
        from .rules import REGISTRY

        if given[0] not in REGISTRY:
            raise UsageError(f"没有规则 {given[0]}（规则编号见 rules.md，例如 T3-BAL、LABEL-VARIANT）")
        return verdict, given[0]
    return verdict, None


def _chosen(result, args, rule: str | None) -> list:
    if rule is not None:
        return result.by_rule(rule)
    wanted = args.set[0].strip().lower()
    exact = [f for f in result.findings if f.fingerprint == wanted]
    if exact:
        return exact[:1]
    prefixed = [f for f in result.findings if len(wanted) >= 6 and f.fingerprint.startswith(wanted)]
    if len(prefixed) == 1:
        return prefixed
    if len(prefixed) > 1:
        raise UsageError(f"指纹前缀 {wanted} 对应多项问题，请给出完整指纹")
    raise UsageError(f"报告中没有指纹为 {wanted} 的问题（用 xxgk-audit review {args.paths[0]} 列出全部问题及其指纹）")


# -- output ------------------------------------------------------------------------------------------

def finding_entry(finding, review: ReportReview) -> dict:
    given = review.get(finding)
    return {
        "fingerprint": finding.fingerprint,
        "rule": finding.rule,
        "severity": finding.severity,
        "message": finding.message,
        "verdict": given.verdict,
        "verdict_label": given.label,
        "comment": given.comment,
        "auditor": given.auditor,
        "updated_at": given.updated_at or None,
        "new": review.is_new(finding),
    }


def review_json(result, review: ReportReview, history, tool: dict, followups=None) -> dict:
    report = result.report
    identity = review.identity.to_dict()
    data = {
        "tool": tool,
        "report": {"source": report.source, **identity, "template": report.template, "store": str(review.store.path), "review": review.conclusion().to_dict()},
        "findings": [finding_entry(f, review) for f in result.findings],
    }
    if history is not None:
        data["history"] = [change.to_dict() for change in history]
    if followups is not None:
        data["followups"] = [row.to_dict() for row in followups]
    return data


def review_text(result, review: ReportReview, history, followups=None) -> str:
    report = result.report
    counts = result.counts
    automatic = "有错误，需要更正" if counts["error"] else ("有警告，建议核实" if counts["warning"] else "未发现问题")
    conclusion = review.conclusion()
    reviewers = review.reviewers()
    lines = [
        f"== {report.source}",
        f"   {review.identity.label} · SHA-256 {report.sha256}",
        f"   审核意见数据库：{review.store.path}" + ("" if review.store.exists else "（尚未创建）"),
        f"   结论：{automatic}（错误 {counts['error']} · 警告 {counts['warning']} · 提示 {counts['info']}）",
        f"   审核结论：{conclusion.text}" + (f"（审核人：{'、'.join(reviewers)}）" if reviewers else ""),
    ]
    if review.earlier_versions:
        new = sum(1 for f in result.findings if review.is_new(f))
        lines.append(f"   本报告是新版本（此前审核过 {len(review.earlier_versions)} 个版本）：新出现的问题 {new} 项，标为“新”")
    lines.append("")
    if not result.findings:
        lines.append("  未发现问题。")
    for finding in result.findings:
        given = review.get(finding)
        who = " · ".join(x for x in (given.auditor, given.updated_at) if x)
        new = " [新]" if review.is_new(finding) else ""
        lines.append(f"  {finding.fingerprint}  {SEVERITY_LABELS[finding.severity]}  [{finding.rule}]  {given.label}{'（' + who + '）' if who else ''}{new}")
        lines.append(f"      {finding.message}")
        if given.comment:
            lines.append(f"      说明：{given.comment}")
    stale = review.stale(result.findings)
    if stale:
        lines.append(f"\n  另有 {len(stale)} 条以往的审核意见不再适用（相关数值已变化或问题已消失）。")
    if history is not None:
        lines.append(f"\n  修改历史（{len(history)} 条）")
        for change in history:
            before = VERDICTS.get(change.previous_verdict, "（无）") if change.previous_verdict else "（无）"
            comment = f"  说明：{change.comment}" if change.comment and change.comment != (change.previous_comment or "") else ""
            origin = "（导入）" if change.origin == "import" else ""
            lines.append(f"  {change.changed_at}  {change.auditor or '（未署名）'}{origin}  {change.fingerprint} [{change.rule or '?'}]  {before} → {VERDICTS[change.verdict]}{comment}")
    if followups:
        from .followup import STATUS_LABELS

        closed = sum(1 for row in followups if row.status == "fixed")
        lines.append(f"\n  整改复核记录（{len(followups)} 条，销号 {closed} 项）")
        for row in followups:
            lines.append(f"  {row.checked_at}  {row.auditor or '（未署名）'}  {row.fingerprint} [{row.rule}]  {STATUS_LABELS.get(row.status, row.status)}（新版本 {row.new_sha256[:12]}）  {row.note}")
    return "\n".join(lines) + "\n"
