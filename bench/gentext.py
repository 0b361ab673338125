#!/usr/bin/env python3
"""Writes a large mixed Chinese/English text for the classification
benchmark: ordinary contract and datasheet prose, with now and then a
sentence about listed technology, so the matcher has work to do.

    gentext.py OUT MEGABYTES
"""
import random
import sys

ZH = [
    "本合同由甲乙双方在平等自愿的基础上签订，双方应严格遵守。",
    "乙方应于收到货款后三十日内交付全部技术资料和设备。",
    "任何一方违反本合同约定，应向守约方支付违约金。",
    "本协议适用中华人民共和国法律，争议提交仲裁委员会仲裁。",
    "产品规格：额定功率1500瓦，工作电压220伏，重量3.5千克。",
    "会议纪要：双方就市场推广计划和售后服务达成一致意见。",
    "付款方式：预付百分之三十，验收合格后支付余款。",
    "技术服务期限为两年，期满后双方可协商续签。",
]
EN = [
    "This Agreement is entered into by and between the parties hereto. ",
    "The Supplier shall deliver the goods within thirty days of the order. ",
    "Either party may terminate this Agreement upon sixty days written notice. ",
    "Payment shall be made by wire transfer to the account designated by the Seller. ",
    "Rated output 1.5 kW, operating temperature -20 to 60 C, weight 3.5 kg. ",
    "The minutes record that the parties agreed on the marketing plan. ",
    "All confidential information shall remain the property of the disclosing party. ",
]
HOT = [
    "乙方向甲方转让电池用磷酸铁锂正极材料的制备工艺，压实密度2.60 g/cm3。",
    "Licensor shall transfer the rare earth solvent extraction separation process know-how. ",
    "双方合作开发车载激光雷达系统技术，探测距离200米。",
    "The laser printer lease covers three units and toner supply. ",
]


def main():
    out, mb = sys.argv[1], int(sys.argv[2])
    rnd = random.Random(42)
    # Build one 1 MiB block of varied text, then vary block order so the
    # file is not one repeated string.
    blocks = []
    for _ in range(8):
        parts, size = [], 0
        while size < (1 << 20):
            r = rnd.random()
            s = rnd.choice(HOT) if r < 0.002 else rnd.choice(ZH) if r < 0.55 else rnd.choice(EN)
            if rnd.random() < 0.1:
                s += "\n"
            parts.append(s)
            size += len(s.encode())
        blocks.append("".join(parts).encode())
    with open(out, "wb") as f:
        written = 0
        while written < (mb << 20):
            b = blocks[rnd.randrange(len(blocks))]
            f.write(b)
            written += len(b)


main()
