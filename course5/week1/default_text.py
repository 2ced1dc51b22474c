"""The built-in training text of the Keras text generator: original verse in an old style.

Written for this repository (no line is taken from any book or course file) and placed in
the public domain. Fourteen short poems in rhymed pentameter-like lines, with the repeated
words and shapes (thee, thou, doth, "and yet", "my love") that a character-level model
picks up first. About 5,000 characters: small enough to train on a CPU in under a minute,
large enough that the model must learn spelling rather than memorise a page.
"""

DEFAULT_TEXT = """\
i. the clock
when the slow clock doth count the idle hour,
and every bell is heavy with the night,
i think of thee, as summer of the flower,
and all my dark is turned again to light.
for thou art kind where all the world is cold,
and thou art young where all the world is grey,
and though the seasons make the green leaf old,
thy face is still the morning of the day.

ii. the river
the river runs, and never asks the sea
if it be welcome when at last it falls;
so runs my heart, unbidden, unto thee,
and knocks, and knocks, upon thy quiet walls.
o let it in, or let it pass away,
but do not let it wait upon the stair,
for love that waits grows weary of the day,
and love grown weary turns at last to care.

iii. the painter
a painter came to take thy face in paint,
and mixed the red, the white, the gold, the blue;
he worked all day, and then he made complaint
that all his colours were too poor for you.
he broke his brush, and threw his board aside,
and swore no hand could set thy likeness down;
and yet i have it, though he could not hide
his grief, for i have kept it as my own.

iv. the winter
now winter sits upon the frozen hill
and counts the sheep that shiver in the fold;
the wind is sharp, the water black and still,
and every breath is smoke upon the cold.
yet in my room there burns a little fire,
and by that fire a little book of thine,
and while it burns i have my heart's desire,
for every word within that book is mine.

v. the letter
i wrote a letter and i tore it through,
i wrote another and i burned it black;
for every line i wrote was not so true
as that which made me write and call it back.
so take this silence for the thing i meant,
and read the empty page as if it spoke;
the truest word is that which is not sent,
the warmest fire is that which makes no smoke.

vi. the garden
within the garden where the roses grow
there is a bench, and on the bench a stone,
and on the stone a name i used to know,
and by the name a flower, left alone.
i do not ask who left it, or for whom,
nor why the rain has spared it all this while;
i only know it sweetens all the gloom,
as thy remembered face doth make me smile.

vii. the sailor
the sailor leaves his love upon the shore,
and counts the waves that carry him away;
he swears he will come home to her once more
before the moon has grown a single day.
the moon grows round, the moon grows thin again,
and still she stands and watches at the tide;
o sailor, are the stars so kind to men
that you would trade them for her at your side?

viii. the candle
a candle burns the faster for the wind,
and yet it gives more light while it is blown;
so doth my heart, when thou art most unkind,
burn brighter, though it burns itself alone.
then blow, my love, and let the candle run,
and let the wax fall down upon the floor;
for when the little flame is spent and done,
i shall have loved thee, and can love no more.

ix. the mirror
i asked the mirror what the years had done,
and it was honest, as the glass is true;
it showed me every line, and every one
was written by a day i spent with you.
i would not have them smoothed, nor have them gone,
for they are letters of a living hand;
and he who reads my face may read thereon
a love that time itself could understand.

x. the bird
a little bird sat singing on the wall,
and did not care if any man should hear;
it sang of nothing, and it sang of all,
and sang the same in winter as the year.
i would my song were such a careless thing,
that asked no praise, and feared no critic's eye;
but i must labour over every string,
and he sings only, and he knows not why.

xi. the journey
the road is long, and every mile is dust,
and every inn is full, and every bed;
and yet i travel, for i know i must,
to see the place where first my heart was led.
and when i come, perhaps it will be gone,
the house, the door, the window, and the tree;
but i shall stand a moment there alone,
and it will be enough to think of thee.

xii. the stars
the stars are many, and the night is wide,
and i am small beneath them in the field;
but there is one that ever is my guide,
and to that one my small desire doth yield.
i do not know its name, nor care to know,
nor whether it be near or very far;
i only know that where my feet shall go,
there it will shine, and there will be my star.

xiii. the debt
i owe thee more than any coin can pay,
and more than any ledger can set down;
for thou didst give me back my former day,
and crowned me when i had no other crown.
and if i cannot pay thee, let me owe,
and let the debt grow greater every year;
the richest man is he whose debts still grow
to those whose love has kept him standing here.

xiv. the end
and so an end, as every song must end,
and every candle, river, bird, and rhyme;
but do not weep for it, my gentle friend,
for all good things are borrowed out of time.
we shall return them when the hour is due,
and thank the lender for the loan he made;
and i shall say, i had the use of you,
and you of me, and neither was afraid.
"""
