/* gram_misc.c — names, places, profile descriptions, emoji and hashtags for chorus-synth.
 * Hashtag and emoji rules are Zipf-ordered (first = most popular). Written for this project. */
#include "synth.h"

const GramDef gram_misc[] = {
    {"emoji", "~😂|❤️|🙄|👍|🔥|😭|🤔|🙏|😡|🇨🇦|👏|💯|😅|🤷‍♂️|🍁|😍|🙌|👀|😬|💀|✨|🥶|☕|🏒|🤦‍♀️|😤|🥲|🎉|📉|🤡|😊|🙃"},

    /* ---- names ---- */
    {"name.en.first", "~James|Mary|Michael|Jennifer|David|Sarah|Chris|Jessica|John|Emily|Ryan|Ashley|Kevin|Amanda|Daniel|Megan|Matthew|Laura|Andrew|Rachel|Mark|Nicole|Jason|Stephanie|Justin|Lisa|Tyler|Karen|Brian|Susan|Priya|Raj|Amir|Fatima|Omar|Aisha|Mohammed|Sofia|Liam|Olivia|Noah|Emma|Ethan|Ava|Lucas|Chloe|Owen|Hannah|Connor|Maya|Jordan|Taylor|Gurpreet|Harpreet|Arjun|Neha|Kwame|Mateo|Isabella|Diego|Camila|Hiroshi|Yuki|Keisha|Declan|Siobhan|Kenny|Vivian|Eric|Grace|Jenny|Tony|Alan|Derek|Brenda|Gord|Marcy|Trevor|Colleen|Wade|Shauna"},
    {"name.en.last", "~Smith|Brown|Tremblay|Martin|Roy|Wilson|MacDonald|Taylor|Campbell|Anderson|Jones|Leblanc|Johnson|Thompson|White|Williams|Lee|Wong|Chen|Singh|Patel|Khan|Nguyen|Kim|Clark|Walker|Young|Scott|Mitchell|Stewart|Murray|Reid|Fraser|Ross|Hall|Morrison|O'Brien|Kelly|Gill|Sandhu|Ahmed|Ali|Hussain|Rodriguez|Garcia|Lopez|Santos|Murphy|Fortin|Lavoie|Gagnon|Fisher|Baker|Grant|Wright|Hughes|Lam|Chan|Liu|Zhang|Ho|Ng|Fung|Dhillon|Grewal|Okafor|Mensah|Novak|Kowalski|Petrov|Rossi"},
    {"name.fr.first", "~Jean|Marie|Pierre|Julie|Mathieu|Isabelle|François|Catherine|Louis|Geneviève|Étienne|Mélanie|Simon|Véronique|Guillaume|Annie|Alexandre|Josée|Maxime|Chantal|Gabriel|Léa|Félix|Camille|Olivier|Chloé|Samuel|Audrey|Benoît|Sophie|Nathalie|Sylvain|Marc-André|Émilie|Frédéric|Karine"},
    {"name.fr.last", "~Tremblay|Gagnon|Roy|Côté|Bouchard|Gauthier|Morin|Lavoie|Fortin|Gagné|Ouellet|Pelletier|Bélanger|Lévesque|Bergeron|Leblanc|Paquette|Girard|Simard|Boucher|Caron|Beaulieu|Cloutier|Dubé|Poirier|Fournier|Lapointe|Leclerc|Lefebvre|Poulin|Thibault|St-Pierre|Nadeau|Martel"},
    {"name.py.given", "~Wei|Fang|Lei|Jing|Yan|Hui|Ming|Xin|Hao|Yu|Ying|Jun|Lin|Tao|Qiang|Xiaoyu|Jiahui|Zihan|Yuxuan|Haoran|Siyu|Zimo|Xinyi|Yichen|Mengyao|Kai|Rui|Bo|Chen|Dan|Lu|Ning|Peng|Shan"},
    {"name.py.sur", "~Wang|Li|Zhang|Liu|Chen|Yang|Huang|Zhao|Wu|Zhou|Xu|Sun|Ma|Zhu|Hu|Guo|He|Lin|Luo|Gao|Zheng|Liang|Xie|Tang|Han|Feng|Deng|Cao"},
    {"name.hz.sur", "~王|李|张|刘|陈|杨|黄|赵|吴|周|徐|孙|马|朱|胡|郭|何|林|罗|高|郑|梁|谢|唐|韩|冯|邓|曹"},
    {"name.hz.given", "伟|芳|磊|静|艳|慧|明|欣|浩|宇|颖|俊|琳|涛|强|晓雨|佳慧|子涵|雨轩|浩然|思雨|子墨|欣怡|一晨|梦瑶|凯|睿|博|晨|丹|璐|宁|鹏|珊"},
    {"name.zh", "{name.hz.sur}{name.hz.given}|{name.hz.sur}{name.hz.given}|小{name.hz.given}|{name.py.given} {name.py.sur}|{name.py.given} {name.hz.sur}{name.hz.given}|{name.hz.given}在{zh.city}|{zh.city}{name.hz.given}|{name.hz.sur}老师|{name.en.first} {name.py.sur}|{name.en.first} {name.hz.sur}{name.hz.given}"},
    {"nick.en", "~the real {name.en.first}|{name.en.first} 🍁|{name.en.first} in {en.city}|{name.en.first}{emoji}|Coach {name.en.last}|Dr. {name.en.last}|{name.en.first} (they/them)|Big {name.en.first}|{name.en.first} {name.en.last} 🇨🇦|{name.en.first} is tired"},

    /* ---- places ---- */
    {"loc.en", "~{cityprov}|{en.city}|Canada|{en.city}, Canada|{prov}, Canada|Ottawa-ish|Somewhere cold|The 6ix|Lower Mainland|GTA|🇨🇦|Planet Earth|Treaty 6 territory|Coast Salish territory|Vancouver Island|Cape Breton|Northern Ontario|Okanagan|between coffees|Toronto ✈️ Vancouver"},
    {"loc.en.cityprov", "~Toronto, Ontario|Vancouver, BC|Montreal, QC|Ottawa, ON|Calgary, Alberta|Edmonton, AB|Winnipeg, Manitoba|Halifax, Nova Scotia|Victoria, BC|Hamilton, Ontario|Kitchener, ON|London, Ontario|Regina, SK|Saskatoon, Saskatchewan|Quebec City|Mississauga, ON|Burnaby, BC|Richmond, B.C.|Markham, Ontario|Surrey, BC|Kingston, ON|St. John's, NL|Moncton, NB|Guelph, Ontario|Barrie, ON|Toronto, ON|Vancouver, British Columbia|Ottawa, Ontario"},
    {"prov", "~Ontario|BC|Alberta|Quebec|Nova Scotia|Manitoba|Saskatchewan|ON|B.C.|AB|New Brunswick|PEI|Newfoundland"},
    {"loc.fr", "~{fr.city}, Québec|{fr.city}|Québec|Montréal, QC|Quelque part au Québec|Outaouais|Saguenay–Lac-Saint-Jean|Gaspésie|Rive-Sud|Plateau Mont-Royal"},
    {"loc.zh", "~Vancouver, BC|Richmond, BC|Toronto, Ontario|Markham, Ontario|温哥华|多伦多|列治文|Burnaby, BC|Scarborough|加拿大|Montreal|大温|Calgary"},
    {"loc.world", "~Madrid|São Paulo|Jakarta|Manila|Lagos|Mexico City|Istanbul|Bogotá|Lima|Kuala Lumpur|Buenos Aires|Nairobi"},

    /* ---- profile descriptions ---- */
    {"desc.en", "{role} • {interest} • {tail}|{role} / {interest} / {tail}|{role}. {interest}.|{role} {emoji} {interest}|{interest}. {tail}|{role}, {role2}. {tail}|{role}|{interest} {emoji}|{quote}"},
    {"desc.en.role", "~Dad of two|Mom, nurse, runner|Retired teacher|Software developer|Proud Canadian|Leafs fan|Grad student|Small business owner|Coffee addict|Public servant|Paramedic|Photographer|Union member|Engineer|Writer|Farmer|Realtor|Bookworm|Hockey mom|Amateur chef|Gardener|Veteran|Nurse|Accountant|Student|Musician|Teacher|Lawyer|Carpenter|Barista"},
    {"desc.en.role2", "occasional cyclist|cat person|dog person|terrible golfer|podcast listener|pizza critic|former punk|coffee snob"},
    {"desc.en.interest", "~politics, hockey and bad puns|books & hiking|cooking and gardening|news junkie|opinions are my own|he/him|she/her|they/them|history nerd|camping, canoeing, coffee|bird watcher|climate, cities, transit|true crime fan|proud of my kids|trying my best"},
    {"desc.en.tail", "~🇨🇦|🍁|Views my own.|RTs ≠ endorsements|#cdnpoli|No DMs please.|Block happy.|Be kind.|Est. {n:1952:2003}|Go {en.post.sports.team}!"},
    {"desc.en.quote", "Life is short, eat the cake.|Not all who wander are lost, some are just late.|Making it up as I go.|Here for the hockey, stayed for the chaos."},
    {"desc.fr", "{role} • {interest}|{role}. {interest}. {emoji}|{interest}|{role}"},
    {"desc.fr.role", "~Montréalais|Maman de deux|Prof au secondaire|Fan du CH|Étudiant à l'UdeM|Infirmière|Retraité|Entrepreneur|Journaliste amateur|Ingénieure|Fonctionnaire|Cycliste du dimanche"},
    {"desc.fr.interest", "~Passionné de politique|Amateur de vélo|Café, livres, plein air|Opinions personnelles|Fier Québécois|Cuisine et jardinage|Musique et hockey|Il/lui|Elle/elle"},
    {"desc.zh", "{a}|{a}，{b}|{a} {emoji}|{b}"},
    {"desc.zh.a", "~在温哥华生活|多伦多打工人|留学生一枚|吃货|两个孩子的妈妈|摄影爱好者|IT民工|喜欢旅行|退休老人|小店老板|健身爱好者|猫奴"},
    {"desc.zh.b", "~记录生活|随便说说|偶尔吐槽|热爱生活|一切随缘|加油|努力工作|快乐每一天"},
    {"desc.journalist", "{beat} reporter at {outlet}. {tail}|{beat} correspondent, {outlet}. {tail}|Covering {cover} for {outlet}. {tail}|{outlet} {beat} reporter. {tail}"},
    {"desc.journalist.beat", "~Parliamentary|Politics|National security|Foreign affairs|Investigative|Ottawa bureau|Data|Diplomacy"},
    {"desc.journalist.cover", "politics and security|Parliament Hill|China and the Indo-Pacific|elections|intelligence and defence"},
    {"desc.journalist.outlet", "~The Northern Ledger|Capital Dispatch|Maple Wire|Prairie Post|Harbour Herald|Global Briefing|Lakeshore Times|Le Courrier d'Ottawa"},
    {"desc.journalist.tail", "~Tips: DMs open.|Signal available.|Views mine.|RTs are not endorsements.|Formerly at {outlet}.|Story tips welcome."},
    {"desc.camp.fresh", "~Love peace ☮️|Life is beautiful|Traveler 🌏|Music lover|Be kind|Just a normal person|Truth seeker|Cooking and cats|Dreamer|Hello world|Coffee and sunsets|Live, laugh, love|Nature lover 🌿|Foodie|Simple life"},
    {"desc.camp.zh", "~热爱生活|和平|世界很大|做自己|喜欢音乐|真相只有一个|平凡人|旅行中"},
    {"desc.aged", "~Amante de la música y el fútbol ⚽|Vida simples, fé e família 🙏|Pecinta kopi dan senja ☕|Estudiante de ingeniería|Mãe, esposa e empreendedora|Fotografía y viajes|Gamer desde siempre 🎮|Suka jalan-jalan|Fan del Real Madrid|Futebol é vida|Marketing digital|Loving life one day at a time"},

    /* ---- hashtags (Zipf order) ---- */
    {"tags.en.cdnpoli", "~cdnpoli|onpoli|bcpoli|abpoli|housing|cdnecon|CarbonTax|QP|Budget2023|HealthCare|CostOfLiving"},
    {"tags.en.interf", "~cdnpoli|ForeignInterference|PublicInquiry|CSIS|ElectionInterference|NationalSecurity|ForeignAgentRegistry"},
    {"tags.en.cachina", "~Canada|China|CanadaChina|IndoPacific|trade|canola"},
    {"tags.en.sports", "~NHL|GoLeafsGo|LetsGoOilers|Canucks|GoHabsGo|Flames|GoJetsGo|WeTheNorth|BlueJays|HockeyTwitter|TFCLive"},
    {"tags.en.daily", "~winter|Toronto|coffee|Vancouver|dogsoftwitter|foodie|weekend|spring|yyc|MondayMotivation|yeg|caturday"},
    {"tags.en.world", "~Ukraine|inflation|climate|markets|pensions|economy"},
    {"tags.en.tech", "~AI|ChatGPT|tech|linux|gaming|privacy"},
    {"tags.en.ent", "~TheLastOfUs|Oscars|Junos|NowPlaying|books|Succession"},
    {"tags.fr", "~polqc|assnat|cdnpoli|GoHabsGo|Montréal|hiver|qc|ingérence|logement"},
    {"tags.zh", "~温哥华|多伦多|加拿大|留学|生活|加中关系|干预选举|华人|美食"},
    {"tags.trend", "cdnpoli ForeignInterference|PublicInquiry cdnpoli|ElectionInterference PublicInquiry"},
    {NULL, NULL}};
