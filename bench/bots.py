"""`bots.crawler_detected_ratio` and `bots.browser_false_positives`: bots and people told apart.

Both go through `waymark.click.useragents.classify`, the decision the stats consumer makes for
each new session.

* Crawlers: every example agent ("instances") of the crawler-user-agents list (PyPI package
  crawler-user-agents, MIT, pinned in requirements-dev.txt), none left out. Waymark does not
  detect with that list, so it is a held-out corpus for the lists it does use. For comparison
  the figure also records what isbot's list alone (is-bot, its Python port) and crawlerdetect's
  alone recognise of it, and which agents are missed.
* People: tests/data/browser_agents.json, 10,000 browser sessions from real traffic (npm package
  user-agents, BSD-2-Clause; scripts/extract_browser_agents.py rebuilds it). The budget is none.
"""

import json
import sys
import time
from importlib.metadata import version

from bench.measure import ROOT, figure

BROWSER_AGENTS = ROOT / "tests" / "data" / "browser_agents.json"


def crawler_agents() -> list[str]:
    from crawleruseragents import CRAWLER_USER_AGENTS_DATA

    return [agent for crawler in CRAWLER_USER_AGENTS_DATA for agent in crawler.get("instances", [])]


def browser_sessions() -> list[tuple[int, str]]:
    """(sessions, agent) pairs: the sample's 10,000 sessions, grouped by agent."""
    return [(count, agent) for count, agent in json.loads(BROWSER_AGENTS.read_text())["agents"]]


def run() -> dict:
    if str(ROOT / "shared") not in sys.path:
        sys.path.insert(0, str(ROOT / "shared"))
    from crawlerdetect import CrawlerDetect
    from is_bot import Bots

    from waymark.click.useragents import classify

    crawlers, sessions = crawler_agents(), browser_sessions()
    started = time.process_time()  # CPU time: the other work on a shared machine does not count
    missed = [agent for agent in crawlers if not classify(agent).bot]
    flagged = [(count, agent) for count, agent in sessions if classify(agent).bot]
    seconds = time.process_time() - started
    isbot, crawlerdetect = Bots(), CrawlerDetect()
    corpus = f"crawler-user-agents {version('crawler-user-agents')}: {len(crawlers)} agents"
    return {
        "bots.crawler_detected_ratio": figure(
            1 - len(missed) / len(crawlers),
            0.99,
            unit="of the crawler corpus",
            higher_is_better=True,
            corpus=corpus,
            missed=missed,
            isbot_alone=round(sum(map(isbot.is_bot, crawlers)) / len(crawlers), 4),
            crawlerdetect_alone=round(sum(map(crawlerdetect.is_crawler, crawlers)) / len(crawlers), 4),
        ),
        "bots.browser_false_positives": figure(
            sum(count for count, _ in flagged),
            0,
            unit=f"of {sum(count for count, _ in sessions)} browser sessions",
            corpus=json.loads(BROWSER_AGENTS.read_text())["source"],
            distinct_agents=len(sessions),
            flagged=[agent for _, agent in flagged],
            classify_cpu_ms_per_agent=round(seconds * 1000 / (len(crawlers) + len(sessions)), 3),
        ),
    }
