"""Title words from the dictionary file: the same segmentation as jieba with its whole
dictionary loaded, for the titles of 公文 and their hard cases."""
from __future__ import annotations

import logging

import pytest

from pipeline.transforms.words import segment

TITLES = [
    "中共青山镇委员会关于2026年度基层党建工作的意见",
    "关于印发《青山镇2026年春耕生产工作实施方案》的通知",
    "人力资源和社会保障局关于做好高校毕业生就业工作的通知",
    "关于开展“我为群众办实事”实践活动的通知",
    "青山镇人民政府关于阿依古丽·买买提同志任职的通知",
    "关于表彰2025年度优秀共产党员、优秀党务工作者和先进基层党组织的决定",
    "石门村桃源村联合开展乡村振兴示范点建设的报告",  # names jieba's HMM has to guess
]


@pytest.fixture(scope="module")
def jieba():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


@pytest.mark.parametrize("title", TITLES)
def test_same_words_as_jieba_with_its_whole_dictionary(jieba, title):
    assert segment(title) == jieba.lcut(title, HMM=True)
