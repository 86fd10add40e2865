"""Number parsing, family names and CSV safety."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from torchvision_stats.data import naming
from torchvision_stats.data.normalize import UnreadableNumber, parse_number
from torchvision_stats.output import export


@pytest.mark.parametrize(
    ("text", "millions", "expected"),
    [
        ("4.09", False, 4.09),
        ("25.6M", True, 25.6),
        ("61.1M", True, 61.1),
        ("1.2K", True, 0.0012),
        ("1.5B", True, 1500.0),
        (" 80.858 ", False, 80.858),
        ("\u22121.5", False, -1.5),
        ("1,016.72", False, 1016.72),
        ("65", False, 65.0),
        ("12%", False, 12.0),
        (".5", False, 0.5),
    ],
)
def test_numbers(text, millions, expected):
    assert parse_number(text, millions=millions) == pytest.approx(expected)


@pytest.mark.parametrize("text", ["nan", "NaN", "", "  ", "-", "\u2013", "\u2014", "N/A"])
def test_missing_marks_are_nan(text):
    assert math.isnan(parse_number(text))


@pytest.mark.parametrize(
    ("text", "millions"),
    [
        ("abc", False),
        ("25.6M", False),
        ("1.2.3", False),
        ("inf", False),
        ("1e999", False),
        ("12 apples", True),
    ],
)
def test_unreadable_numbers_raise(text, millions):
    with pytest.raises(UnreadableNumber):
        parse_number(text, millions=millions)


@pytest.mark.parametrize(
    ("weight", "family"),
    [
        ("ResNet50_Weights.IMAGENET1K_V2", "ResNet"),
        ("Wide_ResNet101_2_Weights.IMAGENET1K_V2", "Wide ResNet"),
        ("EfficientNet_V2_S_Weights.IMAGENET1K_V1", "EfficientNet V2"),
        ("EfficientNet_B7_Weights.IMAGENET1K_V1", "EfficientNet"),
        ("Swin_V2_T_Weights.IMAGENET1K_V1", "Swin V2"),
        ("Swin3D_B_Weights.KINETICS400_V1", "Swin3D"),
        ("ViT_B_16_Weights.IMAGENET1K_V1", "ViT"),
        ("FasterRCNN_MobileNet_V3_Large_FPN_Weights.COCO_V1", "Faster R-CNN"),
        ("DeepLabV3_ResNet50_Weights.COCO_WITH_VOC_LABELS_V1", "DeepLabV3"),
        ("SSDLite320_MobileNet_V3_Large_Weights.COCO_V1", "SSDLite"),
        ("R2Plus1D_18_Weights.KINETICS400_V1", "R(2+1)D"),
        ("MNASNet0_75_Weights.IMAGENET1K_V1", "MNASNet"),
        ("MobileNet_V3_Large_QuantizedWeights.IMAGENET1K_QNNPACK_V1", "MobileNet V3"),
        ("MaxVit_T_Weights.IMAGENET1K_V1", "MaxViT"),
        ("RegNet_Y_16GF_Weights.IMAGENET1K_SWAG_E2E_V1", "RegNet"),
        ("S3D_Weights.KINETICS400_V1", "S3D"),
        ("not a weight", None),
    ],
)
def test_family_names(weight, family):
    assert naming.family_of(weight) == family


def test_builder_from_docs_link():
    href = (
        "models/generated/torchvision.models.quantization.resnet50.html"
        "#torchvision.models.quantization.ResNet50_QuantizedWeights"
    )
    assert naming.builder_of(href) == ("torchvision.models.quantization", "resnet50")
    assert naming.builder_of("https://example.org/other.html") is None


def test_csv_neutralises_formulas_but_not_numbers():
    frame = pd.DataFrame(
        {
            "Weight": ['=HYPERLINK("x")', "+cmd", "-2+3", "@SUM(A1)", "ok"],
            "Acc@1": [-1.5, 2.0, float("nan"), 3.0, 4.0],
        }
    )
    lines = export.csv_bytes(frame).decode().splitlines()
    assert lines == [
        "Weight,Acc@1",
        '"\'=HYPERLINK(""x"")",-1.5',
        "'+cmd,2.0",
        "'-2+3,",
        "'@SUM(A1),3.0",
        "ok,4.0",
    ]
