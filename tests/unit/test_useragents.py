"""Bots, link-preview fetchers and people; device, OS and browser (off the click path)."""

import pytest

from waymark.click.useragents import classify, is_bot

LINK_PREVIEWS = [
    "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
    "WhatsApp/2.23.20.0 A",
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "Twitterbot/1.0",
    "TelegramBot (like TwitterBot)",
    "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
    "Mozilla/5.0 (Windows NT 6.1; WOW64) SkypeUriPreview Preview/0.5",
    "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
    "http.rb/5.1.1 (Mastodon/4.2.0; +https://mastodon.social/)",
]
CRAWLERS = [
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "curl/8.5.0",
    "python-requests/2.31.0",
]


@pytest.mark.parametrize("agent", LINK_PREVIEWS + CRAWLERS)
def test_link_preview_fetchers_and_crawlers_are_bots(agent):
    visitor = classify(agent)
    assert visitor.bot and visitor.device == "bot"
    assert is_bot(agent)


@pytest.mark.parametrize("agent", [None, "", "   "])
def test_no_user_agent_is_a_bot(agent):
    assert classify(agent).bot


@pytest.mark.parametrize(
    ("agent", "device", "os_name", "browser"),
    [
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
            "Version/17.4 Mobile/15E148 Safari/604.1",
            "mobile",
            "iOS",
            "Mobile Safari",
        ),
        (
            "Mozilla/5.0 (iPad; CPU OS 16_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
            "Version/16.0 Mobile/15E148 Safari/604.1",
            "tablet",
            "iOS",
            "Mobile Safari",
        ),
        (
            "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/124.0 Mobile Safari/537.36",
            "mobile",
            "Android",
            "Chrome",
        ),
        (
            "Mozilla/5.0 (Linux; Android 13; SM-X200) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/124.0 Safari/537.36",
            "tablet",
            "Android",
            "Chrome",
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/124.0.0.0 Safari/537.36 Edg/124.0",
            "desktop",
            "Windows",
            "Edge",
        ),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) "
            "Version/17.4 Safari/605.1.15",
            "desktop",
            "Mac OS X",
            "Safari",
        ),
    ],
)
def test_people_get_device_os_and_browser(agent, device, os_name, browser):
    visitor = classify(agent)
    assert not visitor.bot
    assert (visitor.device, visitor.os_name, visitor.browser) == (device, os_name, browser)
