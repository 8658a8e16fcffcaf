"""A load run of the local stack, then a reconciliation: every click and conversion counted exactly once.

    python -m bench.traffic --clicks 20000 --postbacks 2000     (make load; prints one JSON object)

The stack runs as `make dev` runs it (`python -m devstack serve`, moto, the gateway, the
stream and queue pollers), in its own process; loopback only. Eight clients, each from its
own loopback address, send:

* clicks on the demo partner's link and partner code (some deep links with a sub-ID), in
  a fixed mix: four browsers' user agents, each browser of a client with its own cookie jar
  (its second click on a link within the hour is a repeat: a click, not a unique click), every
  20th a link-preview bot (no cookies; redirected and stored, counted as a bot click, never a
  click), every 50th a HEAD (redirected, not stored);
* then postbacks for distinct human clicks, as JSON, form and query string in turn, every
  25th an offline phone sale credited by partner code instead, every 10th sent twice (the
  repeat must answer `Idempotent-Replayed`).

Then the stack drains its streams and queues, and the tool reads what the partner portal
reads (`waymark.reporting.reads`, on the stack's DynamoDB) and the tables themselves, and compares
both with what it sent: raw clicks, unique clicks, bot clicks, clicks per link, sessions
stored, conversions, sales and commission (10 % of each sale, rounded half up per sale).
"""

import argparse
import http.client
import json
import os
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode, urlsplit

from bench.local_load import CookieJar, Visitor, click_id_of, count_items, drain, local_stack

CLIENTS = 8
BROWSERS = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/150.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:140.0) Gecko/20100101 Firefox/140.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/18.4 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/18.0 Safari/605.1.15",
)
BOT = "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)"
RATE = Decimal("0.10")  # the demo program's standard rate


@dataclass
class Tally:
    sent: int = 0
    errors: list[str] = field(default_factory=list)
    clicks: Counter = field(default_factory=Counter)  # link code -> human clicks stored
    bots: int = 0
    heads: int = 0
    # (source, user agent, link code) of human clicks: a client's browser, whose later clicks on the link
    # within the hour are repeats (the run takes minutes)
    visitors: set = field(default_factory=set)
    human_click_ids: list[str] = field(default_factory=list)
    recorded: int = 0
    replayed: int = 0
    sales: Decimal = Decimal(0)
    commission: Decimal = Decimal(0)


def _click_plan(index: int, codes: list[str], demo_url: str) -> tuple[str, str, str, str]:
    """(method, code, query, user agent) of the index-th click: a fixed, reproducible mix."""
    # Client n sends clicks n, n + CLIENTS, ...: each client uses every code with every browser.
    code = codes[(index // CLIENTS) % len(codes)]
    query = urlencode({"url": f"{demo_url}/tours/city-walk", "sub1": f"s{index % 5}"}) if index % 3 == 0 else ""
    method = "HEAD" if index % 50 == 49 else "GET"
    agent = BOT if index % 20 == 19 else BROWSERS[(index // (CLIENTS * len(codes))) % len(BROWSERS)]
    return method, code, query, agent


def _send_clicks(visitor: Visitor, indexes: range, codes: list[str], demo_url: str, tally: Tally, lock) -> None:
    jars: dict[str, CookieJar] = {}  # the client's browsers, by user agent; bots keep no cookies
    for index in indexes:
        method, code, query, agent = _click_plan(index, codes, demo_url)
        path = f"/c/{code}" + (f"?{query}" if query else "")
        jar = None if agent == BOT else jars.setdefault(agent, CookieJar())
        headers = {"User-Agent": agent}
        if jar is not None and (sent := jar.sent(f"/c/{code}")):
            headers["Cookie"] = "; ".join(sent)
        try:
            status, headers, _ = visitor.request(method, path, headers=headers)
        except (OSError, http.client.HTTPException) as error:
            with lock:
                tally.sent += 1
                tally.errors.append(f"click {index}: {error!r}")
            continue
        click_id = click_id_of(status, headers)
        if jar is not None:
            jar.keep(visitor.set_cookies)
        with lock:
            tally.sent += 1
            if status != 302:
                tally.errors.append(f"click {index}: {status}")
            elif method == "HEAD":
                tally.heads += 1  # redirected without a click id: nothing stored
                if click_id:
                    tally.errors.append(f"click {index}: HEAD got a click id")
            elif not click_id:
                tally.errors.append(f"click {index}: 302 without a click id")
            elif agent == BOT:
                tally.bots += 1
            else:
                tally.clicks[code] += 1
                tally.visitors.add((visitor.source, agent, code))
                tally.human_click_ids.append(click_id)


def _sale(index: int, token: str, click_id: str, agent_id: str) -> dict:
    amount = Decimal(f"{10 + index % 90}.{index % 100:02d}")
    params = {"token": token, "order_id": f"L-{index:06d}", "amount": str(amount), "currency": "EUR"}
    if index % 25 == 24:
        params.update(channel="phone", agent=agent_id)  # an offline sale: the partner's code, no click
    else:
        params["click_id"] = click_id
    return params


def _postback(visitor: Visitor, index: int, params: dict) -> tuple[int, dict, dict]:
    style = index % 3
    if style == 0:
        body, content_type = json.dumps(params).encode(), "application/json"
    elif style == 1:
        body, content_type = urlencode(params).encode(), "application/x-www-form-urlencoded"
    else:
        status, headers, raw = visitor.request("GET", "/postback?" + urlencode(params))
        return status, headers, json.loads(raw or b"{}")
    status, headers, raw = visitor.request("POST", "/postback", body=body, headers={"Content-Type": content_type})
    return status, headers, json.loads(raw or b"{}")


def _send_postbacks(visitor: Visitor, jobs: list[tuple[int, dict]], tally: Tally, lock) -> None:
    for index, params in jobs:
        for attempt in range(2 if index % 10 == 0 else 1):
            try:
                status, headers, answer = _postback(visitor, index, params)
            except (OSError, http.client.HTTPException, ValueError) as error:
                with lock:
                    tally.errors.append(f"postback {index}: {error!r}")
                continue
            expected = (Decimal(params["amount"]) * RATE).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            with lock:
                replayed = headers.get("Idempotent-Replayed") == "true"
                if status != 200 or answer.get("status") != "pending" or not answer.get("agent"):
                    tally.errors.append(f"postback {index}: {status} {answer}")
                elif Decimal(answer["commission"]) != expected:
                    tally.errors.append(f"postback {index}: commission {answer['commission']} != {expected}")
                elif replayed != (attempt == 1):
                    tally.errors.append(f"postback {index}: attempt {attempt} replayed={replayed}")
                elif attempt == 0:
                    tally.recorded += 1
                    tally.sales += Decimal(params["amount"])
                    tally.commission += expected
                else:
                    tally.replayed += 1


def _in_parallel(target, shares: list) -> None:
    threads = [threading.Thread(target=target, args=share) for share in shares]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def _reconcile(info: dict, tally: Tally, months: list[str]) -> dict:
    """What the reports and the tables say, against what was sent."""
    from bench.environment import ROOT, function_environment

    sys.path.insert(0, str(ROOT / "shared"))
    os.environ.update(function_environment("StatsFunction", refs=info["resources"]))
    os.environ.update(
        AWS_ENDPOINT_URL=info["aws_endpoint_url"],
        AWS_ACCESS_KEY_ID="local",
        AWS_SECRET_ACCESS_KEY="local",
        AWS_REGION=info["region"],
    )
    from waymark.reporting import reads

    demo = info["demo"]
    partner = program = reads.ZERO
    links: Counter = Counter()
    for month in months:
        partner += reads.partner_month(demo["program_id"], demo["agent_id"], month).totals
        program += reads.program_month(demo["program_id"], month).totals
    for row in reads.partner_links(demo["agent_id"]):
        links[row.link_code] = row.counters.clicks
    expected = {
        "clicks": sum(tally.clicks.values()),
        "unique_clicks": len(tally.visitors),
        "bot_clicks": tally.bots,
        "clicks_per_link": dict(tally.clicks),
        "sessions_stored": sum(tally.clicks.values()) + tally.bots,
        "conversions": tally.recorded,
        "conversions_stored": tally.recorded,
        "sales": str(tally.sales),
        "commission_pending": str(tally.commission),
    }
    counted = {
        "clicks": partner.clicks,
        "unique_clicks": partner.unique_clicks,
        "bot_clicks": partner.bot_clicks,
        "clicks_per_link": {code: links[code] for code in tally.clicks},
        "sessions_stored": count_items(info, "ClickSessionsTable"),
        "conversions": partner.conversions,
        "conversions_stored": count_items(info, "ConversionsTable"),
        "sales": str(partner.sales),
        "commission_pending": str(partner.commission_pending),
    }
    # The all-partners report's program totals: the only partner's figures, nothing unattributed.
    program_view = {"clicks": program.clicks, "conversions": program.conversions, "sales": str(program.sales)}
    mismatches = [name for name in expected if expected[name] != counted[name]]
    mismatches += [f"program.{name}" for name, value in program_view.items() if value != expected[name]]
    return {"expected": expected, "counted": counted, "program_totals": program_view, "mismatches": mismatches}


def run_load(clicks: int, postbacks: int, *, log: str | None = None) -> dict:
    from pathlib import Path

    tally, lock = Tally(), threading.Lock()
    started = time.perf_counter()
    with local_stack(Path(log) if log else None) as info:
        demo = info["demo"]
        codes = [urlsplit(url).path.rsplit("/", 1)[1] for url in demo["tracking_links"][:2]]
        visitors = [Visitor(info["gateway_url"], f"127.0.0.{2 + n}") for n in range(CLIENTS)]
        months = {datetime.now(UTC).strftime("%Y-%m")}
        ready = time.perf_counter()
        _in_parallel(
            _send_clicks,
            [(v, range(n, clicks, CLIENTS), codes, info["demo_url"], tally, lock) for n, v in enumerate(visitors)],
        )
        clicked = time.perf_counter()
        if len(tally.human_click_ids) < postbacks:
            raise RuntimeError(f"only {len(tally.human_click_ids)} human clicks for {postbacks} postbacks")
        jobs = [
            (i, _sale(i, demo["advertiser_token"], tally.human_click_ids[i], demo["agent_id"]))
            for i in range(postbacks)
        ]
        _in_parallel(_send_postbacks, [(v, jobs[n::CLIENTS], tally, lock) for n, v in enumerate(visitors)])
        posted = time.perf_counter()
        for visitor in visitors:
            visitor.close()
        drain(info)
        drained = time.perf_counter()
        months.add(datetime.now(UTC).strftime("%Y-%m"))
        result = _reconcile(info, tally, sorted(months))
    reconciled = not tally.errors and not result["mismatches"]
    return {
        "reconciled": reconciled,
        "clicks": {"sent": clicks, "per_s": round(clicks / (clicked - ready), 1), "heads": tally.heads},
        "postbacks": {
            "sent": postbacks + len(range(0, postbacks, 10)),
            "recorded": tally.recorded,
            "replayed": tally.replayed,
            "per_s": round((postbacks + len(range(0, postbacks, 10))) / (posted - clicked), 1),
        },
        "errors": tally.errors[:20],
        "error_count": len(tally.errors),
        **result,
        "seconds": {
            "start": round(ready - started, 1),
            "clicks": round(clicked - ready, 1),
            "postbacks": round(posted - clicked, 1),
            "drain": round(drained - posted, 1),
            "total": round(time.perf_counter() - started, 1),
        },
    }


def run(clicks: int = 20_000, postbacks: int = 2_000) -> dict[str, dict]:
    """The `load` suite of `make bench`: the 20k/2k run, in its own interpreter."""
    from bench.embedded import run_child

    result = run_child("bench.traffic", "--clicks", str(clicks), "--postbacks", str(postbacks), timeout=3600)
    problems = result["error_count"] + len(result["mismatches"])
    return {
        "load.reconciliation": {
            "value": problems,
            "budget": 0,
            "unit": "errors + mismatched counts",
            "holds": problems == 0 and result["reconciled"],
            "clicks": clicks,
            "postbacks": postbacks,
            "clicks_per_s": result["clicks"]["per_s"],
            "postbacks_per_s": result["postbacks"]["per_s"],
            "expected": result["expected"],
            "counted": result["counted"],
            "mismatches": result["mismatches"],
            "errors": result["errors"],
            "seconds": result["seconds"],
        }
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.traffic", description=__doc__.splitlines()[0])
    parser.add_argument("--clicks", type=int, default=20_000)
    parser.add_argument("--postbacks", type=int, default=2_000)
    parser.add_argument("--log", help="write the local stack's output here")
    args = parser.parse_args(argv)
    result = run_load(args.clicks, args.postbacks, log=args.log)
    print(json.dumps(result, indent=2))
    return 0 if result["reconciled"] else 1


if __name__ == "__main__":
    sys.exit(main())
