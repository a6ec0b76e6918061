"""Build static/fonts/CardSans-{Regular,Bold}.ttf from Liberation Sans (SIL OFL 1.1): a Latin subset
(English, Kiswahili, other Latin-script names), renamed as the OFL asks of modified versions."""
from fontTools import subset
from fontTools.ttLib import TTFont

UNICODES = [*range(0x20, 0x7F), *range(0xA0, 0x180), 0x2013, 0x2014, 0x2018, 0x2019, 0x201C, 0x201D,
            0x2022, 0x2026, 0x2116, 0x20AC, 0x2122, 0x2212, 0x2713, 0x2717, 0x25CF]
for style, src in (("Regular", "LiberationSans-Regular"), ("Bold", "LiberationSans-Bold")):
    font = TTFont(f"/usr/share/fonts/truetype/liberation/{src}.ttf")
    options = subset.Options()
    options.layout_features = ["kern", "liga"]
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]
    options.hinting = False
    options.drop_tables += ["DSIG", "FFTM"]
    sub = subset.Subsetter(options)
    sub.populate(unicodes=UNICODES)
    sub.subset(font)
    name = font["name"]
    for record in name.names:
        text = record.toUnicode()
        if record.nameID in (1, 3, 4, 6, 16):
            text = text.replace("Liberation Sans", "Card Sans").replace("LiberationSans", "CardSans")
            record.string = text
    font.save(f"CardSans-{style}.ttf")
