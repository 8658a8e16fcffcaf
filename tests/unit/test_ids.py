from waymark.core import ids


def test_click_ids_are_long_random_and_url_safe():
    seen = {ids.new_click_id() for _ in range(2000)}
    assert len(seen) == 2000
    for click_id in seen:
        assert len(click_id) == ids.CLICK_ID_LENGTH == 23
        assert ids.is_click_id(click_id)
        assert all(ch.isalnum() or ch in "-_" for ch in click_id)


def test_click_ids_sort_by_creation_time():
    earlier = [ids.new_click_id(1_790_000_000_000 + i) for i in range(50)]
    assert earlier == sorted(earlier)
    assert ids.click_id_time_ms(earlier[7]) == 1_790_000_000_007


def test_click_ids_are_the_138_bits_six_at_a_time_in_the_sortable_alphabet(monkeypatch):
    for ms, random in [(0, 0), (1_790_000_000_123, 0x0123456789ABCDEF01234567), ((1 << 42) - 1, (1 << 96) - 1)]:
        monkeypatch.setattr(ids.secrets, "randbits", lambda bits, random=random: random)
        value = ms << 96 | random
        spelled = "".join("-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"[(value >> 6 * i) & 63]
                          for i in reversed(range(23)))  # fmt: skip
        assert ids.new_click_id(ms) == spelled


def test_random_part_carries_96_bits():
    a = ids.new_click_id(1_790_000_000_000)
    b = ids.new_click_id(1_790_000_000_000)
    assert a[:7] == b[:7]  # same millisecond: same time prefix
    assert a != b


def test_ref_code_is_friendly_and_derived_from_the_click_id():
    click_id = ids.new_click_id()
    code = ids.ref_code(click_id)
    assert len(code) == 6
    assert code == ids.ref_code(click_id)
    assert not set(code) & set("01ILOU")
    assert ids.normalize_ref_code(code.lower()[:3] + "-" + code[3:]) == code
    assert ids.normalize_ref_code("ABC") is None
    assert ids.normalize_ref_code("ABCDE0") is None


def test_codes_are_unguessable_and_valid():
    codes = {ids.new_code() for _ in range(1000)}
    assert len(codes) == 1000
    assert all(ids.is_code(code) and len(code) == 10 for code in codes)
    assert not ids.is_code("../etc")
    assert not ids.is_code("a b c d")
    assert not ids.is_code("abc")
